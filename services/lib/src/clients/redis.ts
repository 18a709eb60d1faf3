// node-redis client that reconnects forever with capped backoff and reports errors to the log
// instead of crashing; readiness pings it.
import { createClient } from 'redis';
import type { Logger } from '../logging/logger';

function buildClient(url: string) {
  return createClient({
    url,
    socket: { reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, 2000), connectTimeout: 5000 },
  });
}

export type RedisClient = ReturnType<typeof buildClient>;

export async function connectRedis(url: string, logger: Logger): Promise<RedisClient> {
  const client = buildClient(url);
  let lastError = '';
  client.on('error', (error: Error) => {
    if (error.message !== lastError) logger.warn({ error: error.message }, 'redis error');
    lastError = error.message;
  });
  client.on('ready', () => {
    lastError = '';
  });
  await client.connect();
  return client;
}

export async function pingRedis(client: RedisClient): Promise<void> {
  if (!client.isReady) throw new Error('not connected');
  await client.ping();
}
