export * from './migrations';
export * from './order-projection';
export * from './pg-order-read-model';
export * from './tcp-product-catalog';
export * from './orders.module';
