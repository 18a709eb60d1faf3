// Single-use WebSocket tickets: a signed-in client trades its bearer token (in a header) for a
// random ticket valid 30 s, so the token itself never travels in a URL.
import { randomBytes } from 'node:crypto';
import type { RedisClient } from '@inbox/lib';

export const TICKET_TTL_SECONDS = 30;

export interface TicketHolder {
  accountId: string;
  userId: string;
  sessionId: string;
}

export class RealtimeTickets {
  constructor(private readonly redis: RedisClient) {}

  async issue(holder: TicketHolder): Promise<string> {
    const ticket = randomBytes(24).toString('base64url');
    await this.redis.set(`rt:ticket:${ticket}`, JSON.stringify(holder), { EX: TICKET_TTL_SECONDS });
    return ticket;
  }

  /** The holder of a ticket, once: the ticket is gone after this. */
  async redeem(ticket: string): Promise<TicketHolder | null> {
    if (!/^[A-Za-z0-9_-]{32}$/.test(ticket)) return null;
    const value = await this.redis.getDel(`rt:ticket:${ticket}`);
    return value ? (JSON.parse(value) as TicketHolder) : null;
  }
}
