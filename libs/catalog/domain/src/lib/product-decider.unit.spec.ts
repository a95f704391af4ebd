import { deciderSpec } from '@datamingle/testing/decider-spec';
import type { ProductDto } from '@datamingle/contracts';
import type { ProductCommand } from './product-commands';
import {
  decideProduct,
  evolveProduct,
  foldProduct,
  initialProductState,
  productDecider,
  productRepresentation,
} from './product-decider';
import type { ProductEvent } from './product-events';
import { aProductDto, aProductInput, PRODUCT_CREATED_AT, PRODUCT_ID } from '../testing-support/product-fixtures';
import type { UpdateProductInput } from './validate-product';

const ID = PRODUCT_ID;
const T0 = PRODUCT_CREATED_AT;
const T1 = '2026-04-17T08:12:03Z';
const T2 = '2026-04-17T09:40:18Z';

const input = aProductInput();
const product = aProductDto();
const created: ProductEvent = { type: 'ProductCreated', data: product };
const create: ProductCommand = { type: 'CreateProduct', data: { input, productId: ID, now: T0 } };
const update = (fields: UpdateProductInput, now = T1): ProductCommand => ({ type: 'UpdateProduct', data: { input: fields, now } });
const deactivate = (now = T2): ProductCommand => ({ type: 'DeactivateProduct', data: { now } });
const deactivated: ProductEvent = { type: 'ProductDeactivated', data: { is_active: false, updated_at: T1 } };

const { given } = deciderSpec(productDecider);

describe('product decider', () => {
  describe('CreateProduct', () => {
    it('creates the product with created_at = updated_at = now', () => {
      given().when(create).then([created]);
    });

    it('renders in the exact key order', () => {
      const p = productRepresentation(given().when(create).thenState());
      expect(Object.keys(p)).toEqual(['id', 'sku', 'name', 'quantity', 'is_active', 'cost', 'custom_fields', 'created_at', 'updated_at']);
      expect(p).toEqual(product);
    });

    it('fails with DUPLICATE when the product exists', () => {
      given(created)
        .when(create)
        .thenFails({
          code: 'DUPLICATE',
          message: 'sku: A product with this sku already exists.',
          details: { sku: ['A product with this sku already exists.'] },
        });
    });
  });

  describe('UpdateProduct', () => {
    it('emits ProductUpdated with the changed fields only', () => {
      given(created)
        .when(update({ quantity: 120, custom_fields: { color: 'navy', size: '5x7' }, name: 'Wool rug 5x7, blue' }))
        .then([
          { type: 'ProductUpdated', data: { changes: { quantity: 120, custom_fields: { color: 'navy', size: '5x7' } }, updated_at: T1 } },
        ]);
    });

    it('replaces custom_fields entirely', () => {
      const s = given(created).when(update({ custom_fields: { color: 'navy' } })).thenState();
      expect(s.product?.custom_fields).toEqual({ color: 'navy' });
      expect(s.product?.updated_at).toBe(T1);
    });

    it('is a no-op when nothing changes', () => {
      given(created).when(update({})).then([]);
      given(created)
        .when(
          update({
            name: 'Wool rug 5x7, blue',
            quantity: 100,
            is_active: true,
            cost: 42.5,
            custom_fields: { collection: '2026 Spring', size: '5x7', color: 'blue' },
          }),
        )
        .then([]);
    });

    it('emits ProductDeactivated when is_active is the only change to false', () => {
      given(created)
        .when(update({ is_active: false, quantity: 100 }))
        .then([{ type: 'ProductDeactivated', data: { is_active: false, updated_at: T1 } }]);
    });

    it('emits ProductReactivated when is_active is the only change to true', () => {
      given(created, deactivated)
        .when(update({ is_active: true }, T2))
        .then([{ type: 'ProductReactivated', data: { is_active: true, updated_at: T2 } }]);
    });

    it('emits ProductUpdated including is_active when other fields change too', () => {
      given(created)
        .when(update({ is_active: false, cost: null }))
        .then([{ type: 'ProductUpdated', data: { changes: { is_active: false, cost: null }, updated_at: T1 } }]);
    });

    it('fails when the product does not exist', () => {
      const r = decideProduct(update({}), initialProductState());
      expect(r.ok).toBe(false);
    });
  });

  describe('DeactivateProduct', () => {
    it('deactivates an active product', () => {
      given(created).when(deactivate()).then([{ type: 'ProductDeactivated', data: { is_active: false, updated_at: T2 } }]);
    });

    it('is a no-op on an inactive product (updated_at kept)', () => {
      given(created, deactivated).when(deactivate()).then([]);
    });

    it('leaves everything but is_active and updated_at unchanged', () => {
      const s = given(created).when(deactivate()).thenState();
      expect(productRepresentation(s)).toEqual({ ...product, is_active: false, updated_at: T2 });
    });

    it('fails when the product does not exist', () => {
      expect(decideProduct(deactivate(), initialProductState()).ok).toBe(false);
    });
  });

  describe('evolve', () => {
    it('folds a whole history', () => {
      const s = foldProduct([
        created,
        { type: 'ProductUpdated', data: { changes: { quantity: 5 }, updated_at: T1 } },
        { type: 'ProductDeactivated', data: { is_active: false, updated_at: T1 } },
        { type: 'ProductReactivated', data: { is_active: true, updated_at: T2 } },
      ]);
      expect(s.product).toEqual({ ...product, quantity: 5, is_active: true, updated_at: T2 });
    });

    it('ignores events before creation and unknown events', () => {
      const s = initialProductState();
      expect(evolveProduct(s, deactivated)).toBe(s);
      const st = foldProduct([created]);
      expect(evolveProduct(st, { type: 'Other', data: {} } as unknown as ProductEvent)).toBe(st);
    });

    it('exposes the decider as one value', () => {
      expect(productDecider.initialState()).toEqual({ product: null });
      expect(productDecider.decide).toBe(decideProduct);
      expect(productDecider.evolve).toBe(evolveProduct);
      expect(() => productRepresentation(initialProductState())).toThrow();
    });
  });
});
