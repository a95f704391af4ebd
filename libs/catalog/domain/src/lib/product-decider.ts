import type { ApiError, ProductDto } from '@datamingle/contracts';
import { apiError, decideActivatableDeactivation, decideActivatableUpdate, err, ok, parseDatetime, type ActivatableEvent, type Result } from '@datamingle/kernel';
import type { CreateProduct, DeactivateProduct, ProductCommand, UpdateProduct } from './product-commands';
import { duplicateSkuError } from './product-errors';
import type { ProductChanges, ProductEvent } from './product-events';
import { PRODUCT_MUTABLE_FIELDS } from './product-fields';

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

const PRODUCT_EVENT_TYPES = { updated: 'ProductUpdated', reactivated: 'ProductReactivated', deactivated: 'ProductDeactivated' } as const;

function named(events: ActivatableEvent<ProductChanges>[]): ProductEvent[] {
  return events.map((e) => ({ type: PRODUCT_EVENT_TYPES[e.kind], data: e.data }) as ProductEvent);
}

function decideUpdate(command: UpdateProduct, state: ProductState): Result<ProductEvent[], ApiError> {
  const product = state.product;
  if (product === null) return err(apiError('NOT_FOUND', 'Product not found.'));
  return ok(named(decideActivatableUpdate(product, command.data.input, PRODUCT_MUTABLE_FIELDS, ['custom_fields'], stamp(command.data.now))));
}

function decideDeactivate(command: DeactivateProduct, state: ProductState): Result<ProductEvent[], ApiError> {
  const product = state.product;
  if (product === null) return err(apiError('NOT_FOUND', 'Product not found.'));
  return ok(named(decideActivatableDeactivation(product, stamp(command.data.now))));
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
