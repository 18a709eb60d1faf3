// Availability changes, by hand or by working hours: recorded, announced on ROUTING_EVENTS for
// the real-time channel, and an agent who becomes available is offered the waiting backlog.
import type { JetStreamClient } from '@nats-io/jetstream';
import { errorMessage, isWithinWorkingHours, newId, publishDurably, type Logger } from '@inbox/lib';
import { RoutingEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { AvailabilityRecords, Status, WorkingHoursStore } from './ports';
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

/**
 * Flips availability when a user's working hours start or end. Only crossings change it, so a
 * user who sets themselves away during their hours stays away until the next boundary.
 */
export class WorkingHoursClock {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> | undefined;

  constructor(
    private readonly hours: Pick<WorkingHoursStore, 'recordInHours'>,
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
    const crossed = await this.hours.recordInHours((hours) => isWithinWorkingHours(hours, at));
    const changes = crossed.map(({ accountId, userId, inHours }) => ({ accountId, userId, status: (inHours ? 'available' : 'away') as Status }));
    for (const change of changes) await this.availability.execute(change.accountId, change.userId, change.status, 'working_hours');
    return changes.map(({ userId, status }) => ({ userId, status }));
  }
}
