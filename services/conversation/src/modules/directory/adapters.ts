// The directory module's adapters, for the composition root and the service's edges.
export * from './adapters/argon2-password-hasher';
export * from './adapters/directory.repository';
export * from './adapters/inbox-access.guard';
export * from './adapters/verification.mailer';
export * from './adapters/teams.repository';
export * from './adapters/sso.repository';
