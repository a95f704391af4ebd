export * from './migrations';
export * from './gateway-store';
