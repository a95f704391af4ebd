export * from './migrations';
export * from './product-projection';
export * from './pg-product-read-model';
export * from './catalog.module';
