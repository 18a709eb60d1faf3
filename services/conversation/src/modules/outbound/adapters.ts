// The outbound module's adapters, for the composition root and the service's edges.
export * from './adapters/chat-outbound';
export * from './adapters/messenger.sender';
export * from './adapters/outbound-delivery.worker';
export * from './adapters/outbound.store';
export * from './adapters/smtp.sender';
export * from './adapters/telephony.sender';
