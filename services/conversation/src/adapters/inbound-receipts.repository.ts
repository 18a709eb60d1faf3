import type { Pool } from '@inbox/lib';
import type { InboundReceipt, InboundReceiptStore } from '../use-cases/record-inbound-message';

export class PgInboundReceipts implements InboundReceiptStore {
  constructor(private readonly pool: Pool) {}

  async record(receipt: InboundReceipt): Promise<boolean> {
    const result = await this.pool.query<{ inserted: boolean }>(
      `INSERT INTO inbound_receipts (event_id, account_id, channel_type, received_at)
       VALUES ($1, $2, $3, $4)
       ON CONFLICT (event_id) DO UPDATE SET deliveries = inbound_receipts.deliveries + 1
       RETURNING (xmax = 0) AS inserted`,
      [receipt.eventId, receipt.accountId, receipt.channelType, receipt.receivedAt],
    );
    return result.rows[0].inserted;
  }

  async find(eventId: string) {
    const result = await this.pool.query<{ event_id: string; deliveries: number; stored_at: Date }>(
      'SELECT event_id, deliveries, stored_at FROM inbound_receipts WHERE event_id = $1',
      [eventId],
    );
    const row = result.rows[0];
    return row ? { eventId: row.event_id, deliveries: row.deliveries, storedAt: row.stored_at } : null;
  }
}
