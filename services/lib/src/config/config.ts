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
  string: (fallback?: string) => (fallback === undefined ? z.string().min(1) : z.string().min(1).default(fallback)),
  int: (fallback: number, min = 0) => z.coerce.number().int().min(min).default(fallback),
  bool: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
  logLevel: () => z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  nodeEnv: () => z.enum(['development', 'test', 'production']).default('development'),
};

/** The settings every backend service has, with the same variable names everywhere. */
export const commonConfigShape = {
  NODE_ENV: env.nodeEnv(),
  LOG_LEVEL: env.logLevel(),
  SHUTDOWN_TIMEOUT_MS: env.int(15000, 100),
  NATS_URL: env.string('nats://127.0.0.1:4222'),
};

/** Fails the boot when a production install still uses a development secret. */
export function rejectDevSecretsInProduction(nodeEnv: string, secrets: Record<string, string>): void {
  if (nodeEnv !== 'production') return;
  const weak = Object.entries(secrets)
    .filter(([, value]) => value.startsWith('dev-') || value.length < 32)
    .map(([name]) => `${name}: a development or short secret is not allowed in production`);
  if (weak.length > 0) throw new ConfigError(weak);
}
