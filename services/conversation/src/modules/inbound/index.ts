// The inbound module: threading and storing what the channels deliver. Everything outside the
// module uses it through these exports only.
export { StoreInboundMessage } from './use-cases/store-inbound-message';
export { StoreInboundBatch, type StoreResult, type InboundChannel } from './use-cases/store-inbound-batch';
export { PgInboundBatchStore } from './adapters/inbound-batch.store';
