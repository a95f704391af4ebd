export * from './database';
export * from './probe';
