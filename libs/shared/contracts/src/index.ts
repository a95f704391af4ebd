export * from './errors';
export * from './messages';
export * from './resources';
export * from './events';
export * from './registry';
