// Graceful shutdown: on SIGTERM/SIGINT mark not ready, keep serving for the drain delay (so load
// balancers and endpoint lists drop the process before it refuses anything), then run the
// registered steps in the order they were registered (stop taking work, finish in-flight work,
// drain NATS, close pools) under one deadline; exit 0 when all finished in time, 1 otherwise.
import type { Logger } from '../logging/logger';
import type { Health } from '../observability/health';
import { errorMessage } from '../observability/health';

type Step = { name: string; run: () => Promise<unknown> | unknown };

export class Lifecycle {
  private readonly steps: Step[] = [];
  private readonly lastSteps: Step[] = [];
  private stopping: Promise<void> | undefined;

  constructor(
    private readonly logger: Logger,
    private readonly health: Health,
    private readonly timeoutMs: number,
    private readonly exit: (code: number) => void = (code) => process.exit(code),
    private readonly drainDelayMs = 0,
  ) {}

  /** Adds a shutdown step; steps run in registration order. */
  onShutdown(name: string, run: Step['run']): void {
    this.steps.push({ name, run });
  }

  /** Runs after every onShutdown step (flushing what they produced, such as spans). */
  afterShutdown(run: Step['run']): void {
    this.lastSteps.push({ name: 'after shutdown', run });
  }

  listenForSignals(): void {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => void this.shutdown(signal));
    }
    process.on('unhandledRejection', (reason) => {
      this.logger.error({ err: reason }, 'unhandled promise rejection');
    });
  }

  shutdown(reason: string): Promise<void> {
    this.stopping ??= this.runSteps(reason);
    return this.stopping;
  }

  private async runSteps(reason: string): Promise<void> {
    const started = Date.now();
    this.logger.info({ reason, deadlineMs: this.timeoutMs }, 'shutting down');
    this.health.markShuttingDown();
    if (this.drainDelayMs > 0) {
      this.logger.info({ drainDelayMs: this.drainDelayMs }, 'not ready; still serving while load balancers drop this process');
      await new Promise((resolve) => setTimeout(resolve, this.drainDelayMs));
    }
    let failed = false;
    const deadline = setTimeout(() => {
      this.logger.error({ afterMs: Date.now() - started }, 'shutdown deadline passed, exiting');
      this.exit(1);
    }, this.timeoutMs);
    deadline.unref();
    for (const step of [...this.steps, ...this.lastSteps]) {
      try {
        await step.run();
        this.logger.debug({ step: step.name }, 'shutdown step done');
      } catch (error) {
        failed = true;
        this.logger.error({ step: step.name, error: errorMessage(error) }, 'shutdown step failed');
      }
    }
    clearTimeout(deadline);
    this.logger.info({ tookMs: Date.now() - started, failed }, 'stopped');
    this.exit(failed ? 1 : 0);
  }
}
