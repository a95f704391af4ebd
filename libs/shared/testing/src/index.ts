export * from './database';
export * from './probe';
export * from './platform';
export * from './exposition';
export * from './db-faults';
