export * from './response-validator';
export * from './admin-response-validator';
