export * from './migrations';
export * from './gateway-store';
export * from './admin-store';
export * from './password-hasher';
export * from './integration-log-store';
export * from './key-limits';
export * from './key-state-cache';
export * from './idempotency-store';
