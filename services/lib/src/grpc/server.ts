// gRPC server helper: promise-returning handlers, the request id taken from metadata into the
// request context, duration and status metrics, domain errors mapped to precise status codes,
// and the standard grpc.health.v1 service kept in step with readiness.
import {
  Server,
  ServerCredentials,
  status,
  type MethodDefinition,
  type ServerUnaryCall,
  type sendUnaryData,
  type ServiceDefinition,
  type UntypedServiceImplementation,
} from '@grpc/grpc-js';
import { HealthImplementation } from 'grpc-health-check';
import type { Logger } from '../logging/logger';
import { CLIENT_AGENT_HEADER, CLIENT_IP_HEADER, REQUEST_ID_HEADER, requestClientFrom, requestIdFrom, runWithRequestContext } from '../logging/request-context';
import type { Health } from '../observability/health';
import type { ServiceMetrics } from '../observability/metrics';
import { SpanKind, extractContext, inSpan } from '../observability/tracing';
import { DomainError, toServiceError } from './errors';

const METADATA_GETTER = {
  keys: (metadata: ServerUnaryCall<unknown, unknown>['metadata']) => Object.keys(metadata.getMap()),
  get: (metadata: ServerUnaryCall<unknown, unknown>['metadata'], key: string) => {
    const value = metadata.get(key)[0];
    return typeof value === 'string' ? value : undefined;
  },
};

export interface CallContext {
  requestId: string;
  /** Remaining time before the caller's deadline, in ms (Infinity when none was set). */
  remainingMs: () => number;
}

export type UnaryHandlers<D> = {
  [K in keyof D]?: D[K] extends MethodDefinition<infer Req, infer Res> ? (request: Req, call: CallContext) => Promise<Res> : never;
};

export interface GrpcServerOptions {
  logger: Logger;
  metrics: ServiceMetrics;
  health: Health;
  /** How often the health service re-runs the readiness checks. */
  healthIntervalMs?: number;
  /**
   * Connections are closed gracefully after this long (default 5 minutes), so clients resolve
   * the name again and spread onto replicas added since.
   */
  maxConnectionAgeMs?: number;
}

export class GrpcServer {
  readonly server: Server;
  private readonly healthService = new HealthImplementation({ '': 'NOT_SERVING' });
  private readonly serviceNames: string[] = [''];
  private healthTimer: NodeJS.Timeout | undefined;
  port = 0;

  constructor(private readonly options: GrpcServerOptions) {
    this.server = new Server({
      'grpc.max_receive_message_length': 16 * 1024 * 1024,
      'grpc.max_connection_age_ms': options.maxConnectionAgeMs ?? 300_000,
      // In-flight calls finish on the old connection while new ones go to the new connection.
      'grpc.max_connection_age_grace_ms': 30_000,
    });
    this.healthService.addToServer(this.server);
  }

  addService<D extends ServiceDefinition>(serviceName: string, definition: D, handlers: UnaryHandlers<D>): void {
    const implementation: UntypedServiceImplementation = {};
    for (const [method, handler] of Object.entries(handlers)) {
      if (typeof handler !== 'function') continue;
      implementation[method] = this.wrap(`${serviceName}/${method}`, handler as (req: unknown, call: CallContext) => Promise<unknown>);
    }
    this.server.addService(definition, implementation);
    this.serviceNames.push(serviceName);
    this.healthService.setStatus(serviceName, 'NOT_SERVING');
  }

  async listen(port: number, host = '127.0.0.1'): Promise<number> {
    this.port = await new Promise<number>((resolve, reject) => {
      this.server.bindAsync(`${host}:${port}`, ServerCredentials.createInsecure(), (error, boundPort) =>
        error ? reject(error) : resolve(boundPort),
      );
    });
    await this.refreshHealth();
    this.healthTimer = setInterval(() => void this.refreshHealth(), this.options.healthIntervalMs ?? 5000);
    this.healthTimer.unref();
    return this.port;
  }

  /** Stops taking calls, lets in-flight calls finish, and forces the rest after the deadline. */
  async shutdown(deadlineMs: number): Promise<void> {
    clearInterval(this.healthTimer);
    this.setAllHealth('NOT_SERVING');
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => {
        this.server.forceShutdown();
        resolve();
      }, deadlineMs);
      this.server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
  }

  private async refreshHealth(): Promise<void> {
    if (this.options.health.isShuttingDown()) return;
    const report = await this.options.health.readiness();
    this.setAllHealth(report.ready ? 'SERVING' : 'NOT_SERVING');
  }

  private setAllHealth(value: 'SERVING' | 'NOT_SERVING'): void {
    for (const name of this.serviceNames) this.healthService.setStatus(name, value);
  }

  private wrap(fullMethod: string, handler: (req: unknown, call: CallContext) => Promise<unknown>) {
    const { logger, metrics } = this.options;
    return (call: ServerUnaryCall<unknown, unknown>, callback: sendUnaryData<unknown>) => {
      const requestId = requestIdFrom(call.metadata.get(REQUEST_ID_HEADER)[0]);
      const deadline = call.getDeadline();
      const deadlineAt = deadline instanceof Date ? deadline.getTime() : Number(deadline);
      const context: CallContext = {
        requestId,
        remainingMs: () => (Number.isFinite(deadlineAt) && deadlineAt > 0 ? deadlineAt - Date.now() : Infinity),
      };
      const stopTimer = metrics.grpcDuration.startTimer({ method: fullMethod });
      const parent = extractContext(call.metadata, METADATA_GETTER);
      const client = requestClientFrom(call.metadata.get(CLIENT_IP_HEADER)[0], call.metadata.get(CLIENT_AGENT_HEADER)[0]);
      runWithRequestContext({ requestId, client }, () => {
        inSpan(fullMethod, { kind: SpanKind.SERVER, parent, attributes: { 'rpc.system': 'grpc', 'rpc.method': fullMethod } }, () => handler(call.request, context))
          .then((response) => {
            metrics.grpcHandled.inc({ method: fullMethod, code: 'OK' });
            callback(null, response);
          })
          .catch((error: unknown) => {
            const serviceError = toServiceError(error);
            const code = serviceError.code ?? status.INTERNAL;
            metrics.grpcHandled.inc({ method: fullMethod, code: status[code] });
            if (error instanceof DomainError) {
              logger.debug({ method: fullMethod, code: error.code }, 'grpc call rejected');
            } else {
              logger.error({ method: fullMethod, err: error }, 'grpc call failed');
            }
            callback(serviceError);
          })
          .finally(() => stopTimer());
      });
    };
  }
}
