// The inbound module's adapters, for the composition root and the service's edges.
export * from './adapters/inbound-batch.store';
export * from './adapters/inbound-message.handler';
export * from './adapters/inbound-message.store';
export * from './adapters/inbound-receipts.repository';
