export * from './types';
export * from './schemas';
export * from './openapi';
export * from './docs-page';
export * from './admin-openapi';
