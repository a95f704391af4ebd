export * from './data-source';
export * from './migrations';
export * from './document-projection';
export * from './projection-runner';
export * from './keyset-page';
export * from './rebuild';
export * from './documents-by-stream';
