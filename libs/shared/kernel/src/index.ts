export * from './result';
export * from './unicode';
export * from './json';
export * from './errors';
export * from './datetime';
export * from './cursor';
export * from './validation';
export * from './json-body';
