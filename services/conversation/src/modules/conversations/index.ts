// The conversations module: the inbox itself: views and counts, actions, comments, hiding, trash, custom views, auto-assignment, search documents. Outside the module, only this file (use cases, rules,
// the interfaces its stores implement) and adapters.ts (for the composition root and the edges) are used.
export * from './domain/custom-views';
export * from './domain/views';
export * from './use-cases/add-comment';
export * from './use-cases/apply-conversation-action';
export * from './use-cases/auto-assign';
export * from './use-cases/custom-views';
export * from './use-cases/delete-conversation';
export * from './use-cases/set-message-hidden';
export * from './use-cases/update-conversation';
export * from './use-cases/ports';
