export * from './lib/product-fields';
export * from './lib/product-errors';
export * from './lib/validate-product';
export * from './lib/product-events';
export * from './lib/product-commands';
export * from './lib/product-decider';
export * from './lib/product-list-query';
