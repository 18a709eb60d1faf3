// The assist module's adapters, for the composition root and the service's edges.
export * from './adapters/assist-model';
export * from './adapters/chatflows.repository';
export * from './adapters/snippets.repository';
