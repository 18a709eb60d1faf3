// The reports module: figures over days from the facts every change records, and the
// supervisors' live wallboard. Outside the module, only this file and adapters.ts are used.
export * from './domain/reports';
export * from './use-cases/reports';
export * from './use-cases/wallboard';
