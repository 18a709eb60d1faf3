// The inbound module: threading and storing what the channels deliver. Outside the module, only this file (use cases, rules,
// the interfaces its stores implement) and adapters.ts (for the composition root and the edges) are used.
export * from './domain/inbound-events';
export * from './domain/threading';
export * from './use-cases/store-inbound-batch';
export * from './use-cases/inbound-message-store';
export * from './use-cases/store-inbound-message';
