// The records module's adapters, for the composition root and the service's edges.
export * from './adapters/contact-records.store';
export * from './adapters/email-contacts.store';
export * from './adapters/records.store';
