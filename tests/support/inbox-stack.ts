// The services an end-to-end test talks to, as real processes wired to each other.
import { launchService, type LaunchedService, type ServiceName } from './services';

export interface InboxStack {
  services: Partial<Record<ServiceName, LaunchedService>>;
  gatewayUrl: string;
  ingestUrl?: string;
  smtpPort?: number;
  stop: () => Promise<void>;
}

export async function startInboxStack(
  names: ServiceName[] = ['conversation', 'gateway'],
  overrides: Partial<Record<ServiceName, Record<string, string>>> = {},
): Promise<InboxStack> {
  const services: Partial<Record<ServiceName, LaunchedService>> = {};
  const order: ServiceName[] = ['conversation', 'routing', 'search', 'notification', 'ingest', 'gateway'];
  try {
    await launchInOrder(order.filter((n) => names.includes(n)), services, overrides);
  } catch (error) {
    // A stack that did not start leaves nothing running: a stray consumer would take later tests' messages.
    for (const name of [...order].reverse()) await services[name]?.process.stop().catch(() => undefined);
    throw error;
  }
  return {
    services,
    gatewayUrl: services.gateway?.httpUrl ?? '',
    ingestUrl: services.ingest?.httpUrl,
    smtpPort: services.ingest ? Number(services.ingest.process.env.INGEST_SMTP_PORT) : undefined,
    stop: async () => {
      for (const name of [...order].reverse()) await services[name]?.process.stop();
    },
  };
}

async function launchInOrder(
  names: ServiceName[],
  services: Partial<Record<ServiceName, LaunchedService>>,
  overrides: Partial<Record<ServiceName, Record<string, string>>>,
): Promise<void> {
  for (const name of names) {
    const wiring: Record<string, string> = {};
    if (services.conversation?.grpcAddress) wiring.CONVERSATION_GRPC_ADDR = services.conversation.grpcAddress;
    if (services.conversation?.edgeGrpcAddress) wiring.CONVERSATION_DIRECTORY_GRPC_ADDR = services.conversation.edgeGrpcAddress;
    if (services.notification?.grpcAddress) wiring.NOTIFICATION_GRPC_ADDR = services.notification.grpcAddress;
    if (services.search?.grpcAddress) wiring.SEARCH_GRPC_ADDR = services.search.grpcAddress;
    if (services.routing?.grpcAddress) wiring.ROUTING_GRPC_ADDR = services.routing.grpcAddress;
    if (services.routing?.edgeGrpcAddress) wiring.ROUTING_PRESENCE_GRPC_ADDR = services.routing.edgeGrpcAddress;
    if (name === 'gateway' && services.ingest) wiring.GATEWAY_INGEST_PUBLIC_URL = services.ingest.httpUrl;
    // A free port can be taken by another process before the service binds it: then again, on new ports.
    for (let attempt = 1; ; attempt += 1) {
      const launched = await launchService(name, { ...wiring, ...overrides[name] });
      try {
        await launched.process.waitReady();
        services[name] = launched;
        break;
      } catch (error) {
        await launched.process.stop().catch(() => undefined);
        if (attempt >= 3 || !/EADDRINUSE/.test(String(error))) throw error;
      }
    }
  }
}
