// Stores an inbound message exactly once, whatever the number of deliveries.
export interface InboundReceipt {
  eventId: string;
  accountId: string;
  channelType: string;
  receivedAt: Date;
}

export interface InboundReceiptStore {
  /** Inserts the receipt, or counts one more delivery of an existing one; returns true when new. */
  record(receipt: InboundReceipt): Promise<boolean>;
  find(eventId: string): Promise<{ eventId: string; deliveries: number; storedAt: Date } | null>;
}

export class RecordInboundMessage {
  constructor(private readonly receipts: InboundReceiptStore) {}

  async execute(receipt: InboundReceipt): Promise<{ stored: boolean }> {
    if (!receipt.eventId) throw new Error('event id is required');
    return { stored: await this.receipts.record(receipt) };
  }
}
