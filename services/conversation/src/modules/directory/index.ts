// The directory module: accounts, users, sessions, inboxes and their members, channels and their ownership. Outside the module, only this file (use cases, rules,
// the interfaces its stores implement) and adapters.ts (for the composition root and the edges) are used.
export * from './domain/directory';
export * from './domain/inbox-access';
export * from './domain/password-policy';
export * from './use-cases/directory-store';
export * from './use-cases/accounts';
export * from './use-cases/inboxes';
export * from './use-cases/sessions';
export * from './use-cases/users';
export * from './use-cases/teams';
export * from './use-cases/single-sign-on';
