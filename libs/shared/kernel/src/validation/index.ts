export * from './messages';
export * from './parsers';
export * from './collector';
