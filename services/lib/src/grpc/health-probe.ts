// A grpc.health.v1 Check call, as Kubernetes' native grpc probe makes it; for tests and tooling.
import { credentials, makeGenericClientConstructor, type ServiceDefinition } from '@grpc/grpc-js';
import { service as healthService } from 'grpc-health-check';

const HealthClient = makeGenericClientConstructor(healthService as unknown as ServiceDefinition, 'Health');

export function grpcHealthCheck(address: string, service = '', timeoutMs = 2000): Promise<string> {
  const client = new HealthClient(address, credentials.createInsecure());
  return new Promise<string>((resolve, reject) => {
    (client as unknown as { check: (req: unknown, opts: unknown, cb: (e: Error | null, r?: { status: string | number }) => void) => void }).check(
      { service },
      { deadline: new Date(Date.now() + timeoutMs) },
      (error, response) => (error ? reject(error) : resolve(String(response?.status))),
    );
  }).finally(() => client.close());
}
