// Liveness is cheap (the event loop answers); readiness checks the service's own dependencies
// and names the failing one. The same checks back the HTTP endpoints and the gRPC health service.
// A dependency every replica shares, whose loss only some requests feel, can be marked as
// degrading: its failure is reported but leaves the replica ready, so a blip does not take every
// replica out of its load balancer at once.
export interface DependencyCheck {
  name: string;
  check: () => Promise<unknown>;
  whenDown?: 'not_ready' | 'degraded';
}

export interface ReadinessReport {
  ready: boolean;
  checks: Record<string, { ok: boolean; error?: string; ms: number; degradesOnly?: boolean }>;
}

export class Health {
  private shuttingDown = false;

  constructor(
    private readonly checks: DependencyCheck[],
    private readonly timeoutMs = 2000,
  ) {}

  markShuttingDown(): void {
    this.shuttingDown = true;
  }

  isShuttingDown(): boolean {
    return this.shuttingDown;
  }

  async readiness(): Promise<ReadinessReport> {
    const entries = await Promise.all(
      this.checks.map(async (dependency) => {
        const started = Date.now();
        try {
          await withTimeout(dependency.check(), this.timeoutMs, `${dependency.name} did not answer in ${this.timeoutMs} ms`);
          return [dependency.name, { ok: true, ms: Date.now() - started }] as const;
        } catch (error) {
          const degradesOnly = dependency.whenDown === 'degraded' ? { degradesOnly: true } : {};
          return [dependency.name, { ok: false, error: errorMessage(error), ms: Date.now() - started, ...degradesOnly }] as const;
        }
      }),
    );
    const checks: ReadinessReport['checks'] = Object.fromEntries(entries);
    if (this.shuttingDown) checks.shutdown = { ok: false, error: 'shutting down', ms: 0 };
    return { ready: Object.values(checks).every((c) => c.ok || c.degradesOnly), checks };
  }
}

export function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

export function errorMessage(error: unknown): string {
  if (error instanceof AggregateError && error.errors.length > 0) return errorMessage(error.errors[0]);
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
