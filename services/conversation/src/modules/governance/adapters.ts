// The governance module's adapters, for the composition root and other modules' stores.
export * from './adapters/governance.store';
export * from './adapters/personal-data.store';
