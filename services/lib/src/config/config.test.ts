import { ConfigError, commonConfigShape, env, loadConfig, requireSecrets } from './config';
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

describe('requireSecrets', () => {
  it('refuses a missing, development or short secret in every mode but test', () => {
    for (const mode of ['production', 'development']) {
      expect(() => requireSecrets(mode, { JWT_SECRET: undefined })).toThrow(/JWT_SECRET: missing/);
      expect(() => requireSecrets(mode, { JWT_SECRET: 'dev-secret-please-change-it-to-something-long' })).toThrow(/JWT_SECRET/);
      expect(() => requireSecrets(mode, { JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
      expect(() => requireSecrets(mode, { JWT_SECRET: 'test-only-jwt_secret-not-for-any-real-install' })).toThrow(/JWT_SECRET/);
      expect(requireSecrets(mode, { JWT_SECRET: 'x'.repeat(48) })).toEqual({ JWT_SECRET: 'x'.repeat(48) });
    }
  });

  it('lets only test mode go without, with a value no other mode accepts', () => {
    const { JWT_SECRET } = requireSecrets('test', { JWT_SECRET: undefined });
    expect(JWT_SECRET.startsWith('test-only-')).toBe(true);
    expect(() => requireSecrets('production', { JWT_SECRET })).toThrow(/JWT_SECRET/);
  });
});
