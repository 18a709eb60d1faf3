// What every service's composition root starts with: the logger, metrics, the readiness
// checks of its own dependencies, and the shutdown sequence. bootService wraps main() so a bad
// configuration or an unreachable dependency at boot stops the process with a clear message.
import { Gauge } from 'prom-client';
import { ConfigError, type CommonConfig } from '../config/config';
import { createLogger, type Logger } from '../logging/logger';
import { openRotatingFile } from '../logging/rotating-file';
import { Health, type DependencyCheck, errorMessage } from '../observability/health';
import { createMetrics, type ServiceMetrics } from '../observability/metrics';
import { startOpsServer, type OpsServer } from '../observability/ops-http';
import { Lifecycle } from '../lifecycle/shutdown';
import { SubscriptionLiveness } from '../jetstream/liveness';
import { startTracing } from '../observability/tracing';
import { startNativeMemoryTrim } from './native-memory';
import { releaseHeapPages } from './startup-heap';
import { startHeapBudget } from './heap-budget';

export interface RuntimeSettings {
  service: string;
  logLevel: string;
  shutdownTimeoutMs: number;
  /** How long a stopping process stays up, answering not ready, before it stops taking work. */
  drainDelayMs?: number;
  /** OTLP/HTTP endpoint spans are exported to (e.g. http://collector:4318); empty: none exported. */
  otlpEndpoint?: string;
  /** How often freed native memory glibc keeps is returned to the system; 0: never. */
  nativeMemoryTrimIntervalMs?: number;
  /** Resident megabytes past which V8's heap is collected to give its pooled pages back; 0: never. */
  memoryBudgetMb?: number;
  /** Logs go to this file, rotated by size, instead of stdout. */
  logFile?: { path: string; maxMb: number; keep: number };
}

/** The runtime settings every service reads from the same variables. */
export function runtimeSettingsFrom(service: string, config: CommonConfig): RuntimeSettings {
  return {
    service,
    logLevel: config.LOG_LEVEL,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    drainDelayMs: config.SHUTDOWN_DRAIN_DELAY_MS,
    otlpEndpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    nativeMemoryTrimIntervalMs: config.NATIVE_MEMORY_TRIM_INTERVAL_MS,
    memoryBudgetMb: config.MEMORY_BUDGET_MB,
    logFile: config.LOG_FILE ? { path: config.LOG_FILE, maxMb: config.LOG_FILE_MAX_MB, keep: config.LOG_FILE_KEEP } : undefined,
  };
}

export class ServiceRuntime {
  readonly logger: Logger;
  readonly metrics: ServiceMetrics;
  readonly health: Health;
  readonly lifecycle: Lifecycle;
  /** Every long-lived subscription reports here; the NATS readiness check reads it. */
  readonly liveness = new SubscriptionLiveness();
  private readonly checks: DependencyCheck[] = [];

  constructor(readonly settings: RuntimeSettings) {
    const logFile = settings.logFile && openRotatingFile({ path: settings.logFile.path, maxBytes: settings.logFile.maxMb * 1024 * 1024, keep: settings.logFile.keep });
    this.logger = createLogger({ service: settings.service, level: settings.logLevel, destination: logFile?.stream });
    this.metrics = createMetrics(settings.service);
    this.health = new Health(this.checks);
    const health = this.health;
    // Read at each scrape, so alerts see a dependency down without a probe of their own.
    new Gauge({
      name: 'inbox_dependency_up',
      help: 'Whether each dependency of the process answers its readiness check (1) or not (0)',
      labelNames: ['dependency'],
      registers: [this.metrics.registry],
      async collect() {
        const report = await health.readiness();
        for (const [dependency, check] of Object.entries(report.checks)) if (dependency !== 'shutdown') this.set({ dependency }, check.ok ? 1 : 0);
      },
    });
    this.lifecycle = new Lifecycle(this.logger, this.health, settings.shutdownTimeoutMs, undefined, settings.drainDelayMs);
    const tracing = startTracing(settings.service, settings.otlpEndpoint);
    this.lifecycle.afterShutdown(() => tracing.shutdown());
    const trim = startNativeMemoryTrim({ intervalMs: settings.nativeMemoryTrimIntervalMs ?? 0, logger: this.logger, registry: this.metrics.registry });
    this.lifecycle.afterShutdown(async () => trim.stop());
    const budget = startHeapBudget({ budgetBytes: (settings.memoryBudgetMb ?? 0) * 1024 * 1024, logger: this.logger, registry: this.metrics.registry });
    this.lifecycle.afterShutdown(async () => budget.stop());
    if (logFile) this.lifecycle.afterShutdown(async () => logFile.stop());
    this.lifecycle.listenForSignals();
  }

  /**
   * Adds a dependency that /readyz and the gRPC health service check. By default its failure
   * makes the process not ready; `degraded` only reports it.
   */
  dependsOn(name: string, check: () => Promise<unknown>, whenDown: 'not_ready' | 'degraded' = 'not_ready'): void {
    this.checks.push({ name, check, whenDown });
  }

  /** Serves /healthz, /readyz and /metrics on their own port (for services without HTTP of their own). */
  async serveOps(port: number, host?: string): Promise<OpsServer> {
    const ops = await startOpsServer(port, { health: this.health, registry: this.metrics.registry }, host);
    return ops;
  }

  started(details: Record<string, unknown>): void {
    const released = releaseHeapPages();
    const mb = (bytes: number) => Math.round(bytes / 1048576);
    const heap = released && { heapMb: [mb(released.heapBeforeBytes), mb(released.heapAfterBytes)], rssMb: [mb(released.rssBeforeBytes), mb(released.rssAfterBytes)], heapReleaseMs: Math.round(released.ms) };
    this.logger.info({ ...details, ...heap }, 'started');
  }
}

export function bootService(main: () => Promise<void>): void {
  main().catch((error: unknown) => {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
    } else {
      process.stderr.write(`failed to start: ${errorMessage(error)}\n`);
    }
    process.exit(1);
  });
}
