// Keeps service levels in step with conversations: every change that can move a clock (a new or
// updated conversation, a message) recomputes its target. Ordered per conversation; the
// recomputation reads the latest timeline, so a repeated or late event changes nothing.
import { decodeConversationEvent, type EventHandler } from '@inbox/lib';
import type { ConversationEvent } from '@inbox/lib/gen/inbox/events/v1/events';
import type { ServiceLevels } from '../use-cases/service-levels';

export class ServiceLevelHandler implements EventHandler<ConversationEvent> {
  constructor(private readonly levels: ServiceLevels) {}

  decode(data: Uint8Array): ConversationEvent {
    return decodeConversationEvent(data);
  }

  orderingKey(event: ConversationEvent): string {
    return event.conversationId;
  }

  async handle(event: ConversationEvent): Promise<void> {
    await this.levels.onConversationChanged(event.accountId, event.conversationId);
  }
}

/** Announces breaches as their due times pass, a batch at a time. */
export class BreachWatch {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly levels: ServiceLevels,
    private readonly intervalMs: number,
    private readonly onError: (error: unknown) => void,
    private readonly now: () => Date = () => new Date(),
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = (async () => {
        try {
          while ((await this.levels.announceBreaches(this.now())) === 200);
        } catch (error) {
          this.onError(error);
        } finally {
          this.running = undefined;
        }
      })();
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }
}
