import type { ApiError, ProductDto } from '@datamingle/contracts';
import { apiError, err, jsonEqual, ok, parseDatetime, type Result } from '@datamingle/kernel';
import type { CreateProduct, DeactivateProduct, ProductCommand, UpdateProduct } from './product-commands';
import { duplicateSkuError } from './product-errors';
import type { ProductChanges, ProductEvent } from './product-events';
import { PRODUCT_MUTABLE_FIELDS, type ProductMutableField } from './product-fields';

export interface ProductState {
  product: ProductDto | null;
}

export function initialProductState(): ProductState {
  return { product: null };
}

function stamp(now: string): string {
  return parseDatetime(now) ?? now;
}

/** The product in the exact key order of products.md §1. */
export function toProductRepresentation(p: ProductDto): ProductDto {
  return {
    id: p.id,
    sku: p.sku,
    name: p.name,
    quantity: p.quantity,
    is_active: p.is_active,
    cost: p.cost,
    custom_fields: p.custom_fields,
    created_at: p.created_at,
    updated_at: p.updated_at,
  };
}

/** Applies one event. Unknown events leave the state unchanged. */
export function evolveProduct(state: ProductState, event: ProductEvent): ProductState {
  switch (event.type) {
    case 'ProductCreated':
      return { product: toProductRepresentation(event.data) };
    case 'ProductUpdated':
      if (state.product === null) return state;
      return { product: { ...state.product, ...event.data.changes, updated_at: event.data.updated_at } };
    case 'ProductDeactivated':
    case 'ProductReactivated':
      if (state.product === null) return state;
      return { product: { ...state.product, is_active: event.data.is_active, updated_at: event.data.updated_at } };
    default:
      return state;
  }
}

export function foldProduct(events: readonly ProductEvent[], state: ProductState = initialProductState()): ProductState {
  return events.reduce(evolveProduct, state);
}

function decideCreate(command: CreateProduct, state: ProductState): Result<ProductEvent[], ApiError> {
  if (state.product !== null) return err(duplicateSkuError());
  const { input, productId } = command.data;
  const now = stamp(command.data.now);
  return ok([
    {
      type: 'ProductCreated',
      data: {
        id: productId,
        sku: input.sku,
        name: input.name,
        quantity: input.quantity,
        is_active: input.is_active,
        cost: input.cost,
        custom_fields: input.custom_fields,
        created_at: now,
        updated_at: now,
      },
    },
  ]);
}

function changed(field: ProductMutableField, current: ProductDto, next: unknown): boolean {
  return field === 'custom_fields' ? !jsonEqual(current.custom_fields, next) : current[field] !== next;
}

function decideUpdate(command: UpdateProduct, state: ProductState): Result<ProductEvent[], ApiError> {
  const product = state.product;
  if (product === null) return err(apiError('NOT_FOUND', 'Product not found.'));
  const changes: Record<string, unknown> = {};
  for (const field of PRODUCT_MUTABLE_FIELDS) {
    const next = command.data.input[field];
    if (next !== undefined && changed(field, product, next)) changes[field] = next;
  }
  const keys = Object.keys(changes);
  if (keys.length === 0) return ok([]);
  const updated_at = stamp(command.data.now);
  if (keys.length === 1 && keys[0] === 'is_active') {
    return ok([
      changes['is_active'] === true
        ? { type: 'ProductReactivated', data: { is_active: true, updated_at } }
        : { type: 'ProductDeactivated', data: { is_active: false, updated_at } },
    ]);
  }
  return ok([{ type: 'ProductUpdated', data: { changes: changes as ProductChanges, updated_at } }]);
}

function decideDeactivate(command: DeactivateProduct, state: ProductState): Result<ProductEvent[], ApiError> {
  const product = state.product;
  if (product === null) return err(apiError('NOT_FOUND', 'Product not found.'));
  if (!product.is_active) return ok([]);
  return ok([{ type: 'ProductDeactivated', data: { is_active: false, updated_at: stamp(command.data.now) } }]);
}

/** Decides which events a command produces; `[]` means nothing changes. */
export function decideProduct(command: ProductCommand, state: ProductState): Result<ProductEvent[], ApiError> {
  switch (command.type) {
    case 'CreateProduct':
      return decideCreate(command, state);
    case 'UpdateProduct':
      return decideUpdate(command, state);
    case 'DeactivateProduct':
      return decideDeactivate(command, state);
  }
}

/** The product of a state (products.md §1); throws when it does not exist. */
export function productRepresentation(state: ProductState): ProductDto {
  if (state.product === null) throw new Error('productRepresentation: the product does not exist');
  return toProductRepresentation(state.product);
}

export const productDecider = {
  decide: decideProduct,
  evolve: evolveProduct,
  initialState: initialProductState,
};
