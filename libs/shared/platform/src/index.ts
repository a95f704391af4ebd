export * from './config';
export * from './logger';
export * from './failures';
export * from './health';
export * from './service-bootstrap';
export * from './runtime';
export * from './service-providers';
export * from './service-client';
