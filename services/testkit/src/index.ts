// Test support shared by unit tests inside services and the cross-service suites in tests/:
// where the real servers of the test stack are, and waiting for an outcome.
export * from './environment';
export * from './wait';
export * from './certificates';
export * from './schema';
export * from './scratch';
export * from './databases';
