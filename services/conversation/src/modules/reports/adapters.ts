// The reports module's adapters, for the composition root.
export * from './adapters/report-facts.store';
export * from './adapters/wallboard.store';
export * from './adapters/report-day-counts';
export * from './adapters/report-day-cache';
