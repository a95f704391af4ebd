export * from './commands';
export * from './handlers';
export * from './ports';
export * from './streams';
