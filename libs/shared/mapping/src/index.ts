export * from './paths';
export * from './mapping';
export * from './validate';
export * from './engine';
export * from './templates';
export * from './requests';
