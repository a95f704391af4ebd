export * from './publisher';
export * from './envelope';
export * from './relay';
export * from './asyncapi';
export * from './trace-context';
