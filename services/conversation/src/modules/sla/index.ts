// The service-levels module: policies per inbox, each conversation's current target, breaches.
// Outside the module, only this file and adapters.ts are used.
export * from './domain/service-levels';
export * from './use-cases/service-levels';
