// The conversations module's adapters, for the composition root and the service's edges.
export * from './adapters/conversation-assignments';
export * from './adapters/conversation-queries';
export * from './adapters/conversation-work.store';
export * from './adapters/custom-views.repository';
export * from './adapters/search-documents';
export * from './adapters/view-counts.repository';
