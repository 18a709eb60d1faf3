// The records module: contacts, companies, tickets, deals and surveys. Outside the module, only this file (use cases, rules,
// the interfaces its stores implement) and adapters.ts (for the composition root and the edges) are used.
export * from './use-cases/contact-records';
export * from './use-cases/surveys';
export * from './use-cases/tickets';
export * from './use-cases/ports';
export * from './use-cases/contact-editing';
export type { PropertyDefinition, PropertyType } from './domain/contact-properties';
