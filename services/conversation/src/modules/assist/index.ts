// The assist module: the reply library, chatflows, summaries and drafts. Outside the module, only this file (use cases, rules,
// the interfaces its stores implement) and adapters.ts (for the composition root and the edges) are used.
export * from './domain/chatflow';
export * from './domain/extractive-summary';
export * from './domain/snippets';
export * from './use-cases/assist';
export * from './use-cases/chatflows';
export * from './use-cases/snippets';
