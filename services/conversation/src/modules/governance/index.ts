// The governance module: retention of closed conversations and legal holds. Outside the module,
// only this file and adapters.ts are used.
export * from './domain/retention';
export * from './use-cases/retention';
export * from './use-cases/legal-holds';
export * from './use-cases/personal-data';
