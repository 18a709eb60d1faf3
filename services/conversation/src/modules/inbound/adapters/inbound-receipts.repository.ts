import type { Pool } from '@inbox/lib';

export interface InboundReceipt {
  eventId: string;
  deliveries: number;
  storedAt: Date;
}

/** The ledger of inbound events the service has stored, with how often each was delivered. */
export class InboundReceipts {
  constructor(private readonly pool: Pool) {}

  async find(eventId: string): Promise<InboundReceipt | null> {
    const result = await this.pool.query<{ event_id: string; deliveries: number; stored_at: Date }>(
      'SELECT event_id, deliveries, stored_at FROM inbound_receipts WHERE event_id = $1',
      [eventId],
    );
    const row = result.rows[0];
    return row ? { eventId: row.event_id, deliveries: row.deliveries, storedAt: row.stored_at } : null;
  }
}
