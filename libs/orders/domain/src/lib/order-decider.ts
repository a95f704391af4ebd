import type { ApiError, OrderDto } from '@datamingle/contracts';
import { apiError, err, jsonEqual, ok, parseDatetime, sameInstant, type Result } from '@datamingle/kernel';
import type { CancelOrder, CreateOrder, OrderCommand, UpdateOrder } from './order-commands';
import { duplicateOrderError, ORDER_SERVICE_MESSAGES, orderServiceError } from './order-errors';
import type { OrderEvent, OrderHeaderChanges } from './order-events';
import { ORDER_HEADER_FIELDS } from './order-fields';
import { toOrderRepresentation } from './order-representation';

/** The state of one order stream: `null` before `OrderCreated`. */
export interface OrderState {
  order: OrderDto | null;
}

export function initialOrderState(): OrderState {
  return { order: null };
}

/** Normalised RFC 3339 UTC text of `now` (kept as given when it does not parse). */
function stamp(now: string): string {
  return parseDatetime(now) ?? now;
}

/** Applies one event. Events this version does not know leave the state unchanged. */
export function evolveOrder(state: OrderState, event: OrderEvent): OrderState {
  switch (event.type) {
    case 'OrderCreated':
      return { order: toOrderRepresentation(event.data) };
    case 'OrderUpdated':
      if (state.order === null) return state;
      return { order: { ...state.order, ...event.data.changes, updated_at: event.data.updated_at } };
    case 'OrderCancelled':
      if (state.order === null) return state;
      return {
        order: {
          ...state.order,
          status: event.data.status,
          cancellation_reason: event.data.reason,
          updated_at: event.data.updated_at,
        },
      };
    default:
      return state;
  }
}

/** Folds a stream of events into a state. */
export function foldOrder(events: readonly OrderEvent[], state: OrderState = initialOrderState()): OrderState {
  return events.reduce(evolveOrder, state);
}

function decideCreate(command: CreateOrder, state: OrderState): Result<OrderEvent[], ApiError> {
  if (state.order !== null) return err(duplicateOrderError('order_number'));
  const { input, orderId, lineIds } = command.data;
  if (lineIds.length !== input.items.length) {
    throw new Error(`CreateOrder needs one line id per line (${input.items.length}), got ${lineIds.length}`);
  }
  const now = stamp(command.data.now);
  const order: OrderDto = {
    id: orderId,
    order_number: input.order_number,
    external_order_id: input.external_order_id,
    customer_name: input.customer_name,
    customer_info: input.customer_info,
    notes: input.notes,
    order_date: input.order_date,
    due_date: input.due_date,
    metadata: input.metadata,
    status: 'pending',
    cancellation_reason: null,
    items: input.items.map((line, i) => ({
      id: lineIds[i],
      sku: { sku: line.sku_code },
      quantity: line.quantity,
      verified_quantity: 0,
      verification_status: 'pending',
      notes: line.notes ?? null,
    })),
    created_at: now,
    updated_at: now,
  };
  return ok([{ type: 'OrderCreated', data: order }]);
}

function headerValueChanged(field: (typeof ORDER_HEADER_FIELDS)[number], current: OrderDto, next: unknown): boolean {
  switch (field) {
    case 'customer_info':
    case 'metadata':
      return !jsonEqual(current[field], next);
    case 'order_date':
    case 'due_date':
      return !sameInstant(current[field], next as string | null);
    default:
      return current[field] !== next;
  }
}

function decideUpdate(command: UpdateOrder, state: OrderState): Result<OrderEvent[], ApiError> {
  const order = state.order;
  if (order === null) return err(apiError('NOT_FOUND', 'Order not found.'));
  if (order.status === 'cancelled') return err(orderServiceError(ORDER_SERVICE_MESSAGES.cancelledUpdate));
  if (order.status === 'shipped') return err(orderServiceError(ORDER_SERVICE_MESSAGES.shippedUpdate));
  const changes: Record<string, unknown> = {};
  for (const field of ORDER_HEADER_FIELDS) {
    const next = command.data.input[field];
    if (next === undefined) continue;
    if (headerValueChanged(field, order, next)) changes[field] = next;
  }
  if (Object.keys(changes).length === 0) return ok([]);
  return ok([
    { type: 'OrderUpdated', data: { changes: changes as OrderHeaderChanges, updated_at: stamp(command.data.now) } },
  ]);
}

function decideCancel(command: CancelOrder, state: OrderState): Result<OrderEvent[], ApiError> {
  const order = state.order;
  if (order === null) return err(apiError('NOT_FOUND', 'Order not found.'));
  if (order.status === 'shipped') return err(orderServiceError(ORDER_SERVICE_MESSAGES.shippedCancel));
  if (order.status === 'cancelled') return ok([]);
  return ok([
    {
      type: 'OrderCancelled',
      data: {
        status: 'cancelled',
        reason: command.data.reason,
        previous_status: order.status,
        updated_at: stamp(command.data.now),
      },
    },
  ]);
}

/**
 * Decides which events a command produces (Emmett-style decider). `[]` means the command
 * changes nothing (repeated `PUT`, cancelling a cancelled order).
 */
export function decideOrder(command: OrderCommand, state: OrderState): Result<OrderEvent[], ApiError> {
  switch (command.type) {
    case 'CreateOrder':
      return decideCreate(command, state);
    case 'UpdateOrder':
      return decideUpdate(command, state);
    case 'CancelOrder':
      return decideCancel(command, state);
  }
}

/** The full order of a state (orders.md §1); throws when the order does not exist. */
export function orderRepresentation(state: OrderState): OrderDto {
  if (state.order === null) throw new Error('orderRepresentation: the order does not exist');
  return toOrderRepresentation(state.order);
}

/** The decider as one value (Emmett's `Decider` shape). */
export const orderDecider = {
  decide: decideOrder,
  evolve: evolveOrder,
  initialState: initialOrderState,
};
