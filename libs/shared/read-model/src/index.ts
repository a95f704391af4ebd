export * from './data-source';
export * from './migrations';
