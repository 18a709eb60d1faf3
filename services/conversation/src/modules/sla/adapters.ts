// The service-levels module's adapters, for the composition root.
export * from './adapters/service-levels.store';
export * from './adapters/service-level.handler';
export * from './adapters/policy-presence';
