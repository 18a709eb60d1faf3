// Typed configuration: each service declares a zod schema of the environment variables it
// reads and calls loadConfig once in its composition root. Nothing else reads process.env.
import { z } from 'zod';

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

export function loadConfig<S extends z.ZodObject<z.ZodRawShape>>(
  schema: S,
  env: Record<string, string | undefined> = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (!result.success) {
    throw new ConfigError(
      result.error.issues.map((issue) => {
        const name = issue.path.join('.') || '(environment)';
        const value = env[name];
        return value === undefined ? `${name}: missing (${issue.message})` : `${name}: ${issue.message}`;
      }),
    );
  }
  return result.data;
}

/** Environment variable schema helpers shared by every service's config module. */
export const env = {
  port: (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback),
  url: (fallback?: string) => (fallback === undefined ? z.url() : z.url().default(fallback)),
  /** One URL or several, comma-separated (the nodes of a cluster). */
  urls: (fallback: string) =>
    z
      .string()
      .default(fallback)
      .refine((v) => v.split(',').every((u) => z.url().safeParse(u.trim()).success), 'one URL or several, comma-separated'),
  string: (fallback?: string) => (fallback === undefined ? z.string().min(1) : z.string().min(1).default(fallback)),
  int: (fallback: number, min = 0, max = Number.MAX_SAFE_INTEGER) => z.coerce.number().int().min(min).max(max).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
  list: () =>
    z
      .string()
      .default('')
      .transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean)),
};

/** The settings every backend service has, with the same variable names everywhere. */
export const commonConfigShape = {
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(15000, 100),
  /** Time between SIGTERM (readiness turns 503) and closing the servers; the chart sets it. */
  SHUTDOWN_DRAIN_DELAY_MS: env.int(0, 0),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
  /** PEM bundle of the CA that signs the NATS servers' certificates (tls:// URLs), if not a public one. */
  NATS_TLS_CA_FILE: z.string().default(''),
  /** Where traces go over OTLP/HTTP (e.g. http://otel-collector:4318); empty: context is propagated, nothing exported. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().default(''),
  /** How often (ms) the C allocator's free pages go back to the system; 0 turns it off. */
  NATIVE_MEMORY_TRIM_INTERVAL_MS: env.int(10000, 0),
  /** Resident MB past which V8's pooled heap pages are given back by a memory-reducing collection; 0 turns it off. */
  MEMORY_BUDGET_MB: env.int(0, 0),
  /** A file the logs go to instead of stdout, rotated by size (the local run); empty: stdout. */
  LOG_FILE: z.string().default(''),
  LOG_FILE_MAX_MB: env.int(100, 1),
  /** Rotated files kept beside the current one (<file>.1 is the newest). */
  LOG_FILE_KEEP: env.int(3, 1),
};

export type CommonConfig = z.infer<z.ZodObject<typeof commonConfigShape>>;

/**
 * Secrets are never defaults: outside NODE_ENV=test each must be set, at least 32 characters and
 * not a development placeholder, or the service refuses to boot. In test mode a missing secret is
 * replaced by a fixed test-only value, which no other mode accepts.
 */
export function requireSecrets<K extends string>(nodeEnv: string, secrets: Record<K, string | undefined>): Record<K, string> {
  const problems: string[] = [];
  const resolved = {} as Record<K, string>;
  for (const [name, value] of Object.entries(secrets) as [K, string | undefined][]) {
    if (nodeEnv === 'test') {
      resolved[name] = value || `test-only-${name.toLowerCase()}-not-for-any-real-install`;
      continue;
    }
    if (!value) problems.push(`${name}: missing (set a random secret of at least 32 characters; npm run up generates one)`);
    else if (value.length < 32 || value.startsWith('dev-') || value.startsWith('test-only-')) problems.push(`${name}: a development or short secret is not allowed`);
    else resolved[name] = value;
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return resolved;
}

/** The guarded outbound client's switches: off by default, refused in production. */
export const outboundConfigShape = {
  OUTBOUND_ALLOW_HTTP: env.bool(false),
  OUTBOUND_ALLOWED_TARGETS: env.list(),
  OUTBOUND_TIMEOUT_MS: env.int(10_000, 100),
};

export function rejectOutboundTestSwitchesInProduction(config: { NODE_ENV: string; OUTBOUND_ALLOW_HTTP: boolean; OUTBOUND_ALLOWED_TARGETS: string[] }): void {
  if (config.NODE_ENV !== 'production') return;
  const problems: string[] = [];
  if (config.OUTBOUND_ALLOW_HTTP) problems.push('OUTBOUND_ALLOW_HTTP: plain-HTTP outbound fetches are a test switch, not allowed in production');
  if (config.OUTBOUND_ALLOWED_TARGETS.length) problems.push('OUTBOUND_ALLOWED_TARGETS: private targets are a test switch, not allowed in production');
  if (problems.length) throw new ConfigError(problems);
}

/** The guarded client's policy from the outbound switches: 25 MB, three redirects. */
export function outboundPolicy(config: { OUTBOUND_ALLOW_HTTP: boolean; OUTBOUND_ALLOWED_TARGETS: string[]; OUTBOUND_TIMEOUT_MS: number }, maxBytes = 25 * 1024 * 1024) {
  return {
    allowHttp: config.OUTBOUND_ALLOW_HTTP,
    allowedTargets: config.OUTBOUND_ALLOWED_TARGETS,
    timeoutMs: config.OUTBOUND_TIMEOUT_MS,
    maxBytes,
    maxRedirects: 3,
  };
}
