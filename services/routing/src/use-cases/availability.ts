// Availability changes, by hand or by working hours: recorded, announced on ROUTING_EVENTS for
// the real-time channel, and an agent who becomes available is offered the waiting backlog.
import type { JetStreamClient } from '@nats-io/jetstream';
import { errorMessage, isWithinWorkingHours, newId, publishDurably, validateWorkingHours, withTransaction, type Logger, type Pool, type WorkingHours } from '@inbox/lib';
import { RoutingEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { AvailabilityRecords, Status } from './ports';
import type { RouteConversations } from './route-conversations';

export class ChangeAvailability {
  constructor(
    private readonly store: AvailabilityRecords,
    private readonly routing: RouteConversations,
    private readonly js: JetStreamClient,
    private readonly logger: Logger,
  ) {}

  async execute(accountId: string, userId: string, status: Status, changedBy: string): Promise<void> {
    const changed = await this.store.set(accountId, userId, status, changedBy);
    if (!changed) return;
    const eventId = newId('evt');
    const event = RoutingEvent.encode({ eventId, accountId, userId, availability: status, conversationId: '', assigneeId: '' }).finish();
    await publishDurably(this.js, `routing.${accountId}.availability_changed`, event, { msgId: eventId });
    if (status === 'available') {
      await this.routing.pullBacklog(accountId, userId).catch((error: unknown) => this.logger.warn({ error: errorMessage(error), userId }, 'backlog pull failed'));
    }
  }
}

export class WorkingHoursRepository {
  constructor(private readonly pool: Pool) {}

  async get(accountId: string, userId: string): Promise<WorkingHours | null> {
    const result = await this.pool.query('SELECT time_zone, periods FROM working_hours WHERE account_id = $1 AND user_id = $2', [accountId, userId]);
    return result.rows[0] ? { timeZone: result.rows[0].time_zone, periods: result.rows[0].periods } : null;
  }

  async set(accountId: string, userId: string, hours: WorkingHours | null): Promise<WorkingHours | null> {
    if (!hours) {
      await this.pool.query('DELETE FROM working_hours WHERE account_id = $1 AND user_id = $2', [accountId, userId]);
      return null;
    }
    validateWorkingHours(hours);
    await this.pool.query(
      `INSERT INTO working_hours (account_id, user_id, time_zone, periods, last_in_hours) VALUES ($1, $2, $3, $4, NULL)
       ON CONFLICT (account_id, user_id) DO UPDATE SET time_zone = $3, periods = $4, last_in_hours = NULL`,
      [accountId, userId, hours.timeZone, JSON.stringify(hours.periods)],
    );
    return hours;
  }
}

/**
 * Flips availability when a user's working hours start or end. Only crossings change it, so a
 * user who sets themselves away during their hours stays away until the next boundary.
 */
export class WorkingHoursClock {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly pool: Pool,
    private readonly availability: ChangeAvailability,
    private readonly logger: Logger,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(intervalMs: number): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.tick(this.now())
        .catch((error: unknown) => this.logger.warn({ error: errorMessage(error) }, 'working hours check failed'))
        .finally(() => (this.running = undefined));
    }, intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** Applies every boundary crossed since the last check; returns the changes made. */
  async tick(at: Date): Promise<{ userId: string; status: Status }[]> {
    const changes = await withTransaction(this.pool, async (tx) => {
      const rows = await tx.query<{ account_id: string; user_id: string; time_zone: string; periods: WorkingHours['periods']; last_in_hours: boolean | null }>(
        'SELECT account_id, user_id, time_zone, periods, last_in_hours FROM working_hours FOR UPDATE SKIP LOCKED',
      );
      const crossed: { accountId: string; userId: string; status: Status }[] = [];
      for (const row of rows.rows) {
        const inHours = isWithinWorkingHours({ timeZone: row.time_zone, periods: row.periods }, at);
        if (row.last_in_hours === inHours) continue;
        await tx.query('UPDATE working_hours SET last_in_hours = $3 WHERE account_id = $1 AND user_id = $2', [row.account_id, row.user_id, inHours]);
        crossed.push({ accountId: row.account_id, userId: row.user_id, status: inHours ? 'available' : 'away' });
      }
      return crossed;
    });
    for (const change of changes) await this.availability.execute(change.accountId, change.userId, change.status, 'working_hours');
    return changes.map(({ userId, status }) => ({ userId, status }));
  }
}
