// The outbound module: what agents send: replies, compositions, forwards, transcripts, calls placed, and their delivery. Outside the module, only this file (use cases, rules,
// the interfaces its stores implement) and adapters.ts (for the composition root and the edges) are used.
export * from './use-cases/forward-conversation';
export * from './use-cases/outbound-mail';
export * from './use-cases/ports';
export * from './use-cases/place-call';
export * from './use-cases/register-upload';
export * from './use-cases/send-email';
export * from './use-cases/send-transcript';
