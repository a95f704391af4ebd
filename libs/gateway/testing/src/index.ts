export * from './response-validator';
