import { ConfigError, commonConfigShape, env, loadConfig, rejectDevSecretsInProduction } from './config';
import { z } from 'zod';

const schema = z.object({
  ...commonConfigShape,
  SERVICE_PORT: env.port(8080),
  DATABASE_URL: env.url(),
  FEATURE_ON: env.bool(false),
});

describe('loadConfig', () => {
  it('applies defaults and coerces types', () => {
    const config = loadConfig(schema, { DATABASE_URL: 'postgres://db/x' });
    expect(config.SERVICE_PORT).toBe(8080);
    expect(config.FEATURE_ON).toBe(false);
    expect(config.NATS_URL).toBe('nats://127.0.0.1:4222');
    expect(config.LOG_LEVEL).toBe('info');
  });

  it('names a missing required variable', () => {
    expect(() => loadConfig(schema, {})).toThrow(ConfigError);
    expect(() => loadConfig(schema, {})).toThrow(/DATABASE_URL: missing/);
  });

  it('names every bad value at once', () => {
    try {
      loadConfig(schema, { DATABASE_URL: 'not a url', SERVICE_PORT: '70000', FEATURE_ON: 'maybe', LOG_LEVEL: 'loud' });
      throw new Error('expected a ConfigError');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      const names = (error as ConfigError).problems.map((p) => p.split(':')[0]).sort();
      expect(names).toEqual(['DATABASE_URL', 'FEATURE_ON', 'LOG_LEVEL', 'SERVICE_PORT']);
    }
  });

  it('parses boolean spellings', () => {
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://db/x', FEATURE_ON: '1' }).FEATURE_ON).toBe(true);
    expect(loadConfig(schema, { DATABASE_URL: 'postgres://db/x', FEATURE_ON: 'false' }).FEATURE_ON).toBe(false);
  });
});

describe('rejectDevSecretsInProduction', () => {
  it('refuses development or short secrets in production only', () => {
    expect(() => rejectDevSecretsInProduction('production', { JWT_SECRET: 'dev-secret-please-change' })).toThrow(/JWT_SECRET/);
    expect(() => rejectDevSecretsInProduction('production', { JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => rejectDevSecretsInProduction('development', { JWT_SECRET: 'dev-secret' })).not.toThrow();
    expect(() => rejectDevSecretsInProduction('production', { JWT_SECRET: 'x'.repeat(48) })).not.toThrow();
  });
});
