export * from './migrations';
export * from './location-projection';
export * from './pg-location-read-model';
export * from './pg-inventory-levels';
export * from './tcp-product-directory';
export * from './inventory.module';
