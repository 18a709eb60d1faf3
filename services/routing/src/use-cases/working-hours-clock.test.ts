// The working-hours clock against the real PostgreSQL, Redis and NATS, with an injected time:
// availability flips only when hours start or end (in the user's zone, across a daylight-saving
// change), a manual change inside the hours stands until the next boundary, and a user who
// becomes available is offered the backlog.
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { STREAMS, connectNats, connectRedis, createLogger, createPool, ensureDatabase, migrate, provisionJetStream, type Pool, type RedisClient } from '@inbox/lib';
import type { NatsConnection } from '@nats-io/nats-core';
import { AvailabilityStore } from '../adapters/availability.store';
import { MIGRATIONS_DIR } from '../migrations-dir';
import { ChangeAvailability, WorkingHoursClock } from './availability';
import { WorkingHoursRepository } from '../adapters/working-hours.store';
import type { RouteConversations } from './route-conversations';

const logger = createLogger({ service: 'test', level: 'silent' });
const databaseUrl = (() => {
  const url = new URL(process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres');
  url.pathname = '/inbox_test_routing_clock';
  return url.toString();
})();

let pool: Pool;
let redis: RedisClient;
let nc: NatsConnection;
const pulled: string[] = [];

beforeAll(async () => {
  await ensureDatabase(databaseUrl);
  pool = createPool(databaseUrl, logger, 4);
  await migrate(pool, MIGRATIONS_DIR);
  redis = await connectRedis(process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379', logger);
  nc = await connectNats(process.env.TEST_NATS_URL ?? 'nats://127.0.0.1:4222', 'test', logger);
  await provisionJetStream(await jetstreamManager(nc), [STREAMS.routingEvents], []);
});

afterAll(async () => {
  await pool.end();
  await redis.quit();
  await nc.close();
});

it('flips availability at the boundaries of working hours, in the user’s zone, across daylight saving', async () => {
  const accountId = `acc_clock_${Date.now()}`;
  const userId = 'usr_clock';
  const store = new AvailabilityStore(pool, redis);
  const routing = { pullBacklog: async (_account: string, user: string) => (pulled.push(user), 0) } as unknown as RouteConversations;
  const change = new ChangeAvailability(store, routing, jetstream(nc), logger);
  const hours = new WorkingHoursRepository(pool);
  await hours.set(accountId, userId, { timeZone: 'Europe/Oslo', periods: [1, 2, 3, 4, 5].map((day) => ({ day, start: '09:00', end: '17:00' })) });
  await pool.query('DELETE FROM working_hours WHERE account_id <> $1', [accountId]);
  const clock = new WorkingHoursClock(hours, change, logger);
  const status = async () => (await store.get(accountId, userId)).status;

  // Monday 5 January 2026, Oslo is UTC+1.
  expect(await clock.tick(new Date('2026-01-05T07:59:00Z'))).toEqual([{ userId, status: 'away' }]);
  expect(await status()).toBe('away');
  expect(await clock.tick(new Date('2026-01-05T08:00:00Z'))).toEqual([{ userId, status: 'available' }]);
  expect(pulled).toEqual([userId]);
  expect(await clock.tick(new Date('2026-01-05T12:00:00Z'))).toEqual([]);
  // Away by hand during the hours: no boundary, so it stands.
  await change.execute(accountId, userId, 'away', userId);
  expect(await clock.tick(new Date('2026-01-05T13:00:00Z'))).toEqual([]);
  expect(await status()).toBe('away');
  expect(await clock.tick(new Date('2026-01-05T16:00:00Z'))).toEqual([{ userId, status: 'away' }]);
  expect((await store.get(accountId, userId)).changedBy).toBe(userId); // it was already away: nothing rewritten

  // Monday 30 March 2026, after the change to summer time: Oslo is UTC+2, hours start at 07:00Z.
  expect(await clock.tick(new Date('2026-03-30T06:59:00Z'))).toEqual([]);
  expect(await clock.tick(new Date('2026-03-30T07:00:00Z'))).toEqual([{ userId, status: 'available' }]);
  expect(await status()).toBe('available');
  expect((await store.get(accountId, userId)).changedBy).toBe('working_hours');
  expect(await clock.tick(new Date('2026-03-30T15:00:00Z'))).toEqual([{ userId, status: 'away' }]);
});

it('rebuilds availability from PostgreSQL after Redis loses it', async () => {
  const accountId = `acc_flush_${Date.now()}`;
  const store = new AvailabilityStore(pool, redis);
  await store.set(accountId, 'usr_a', 'away', 'usr_a');
  await redis.del(`availability:${accountId}`);
  expect((await store.statuses(accountId))('usr_a')).toBe('away');
  expect((await store.statuses(accountId))('usr_unknown')).toBe('available');
  expect(await redis.hGet(`availability:${accountId}`, 'usr_a')).toBe('away');
});
