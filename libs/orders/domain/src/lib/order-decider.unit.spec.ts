import { deciderSpec } from '@datamingle/testing/decider-spec';
import type { OrderDto, OrderStatus } from '@datamingle/contracts';
import type { OrderCommand } from './order-commands';
import {
  decideOrder,
  evolveOrder,
  foldOrder,
  initialOrderState,
  orderDecider,
  orderRepresentation,
  type OrderState,
} from './order-decider';
import type { OrderEvent } from './order-events';
import { anOrderDto, anOrderInput, LINE_IDS, ORDER_CREATED_AT, ORDER_ID } from '../testing-support/order-fixtures';

const T0 = ORDER_CREATED_AT;
const T1 = '2026-04-16T10:15:42Z';
const T2 = '2026-04-16T10:31:07Z';

const input = anOrderInput();
const createdOrder = anOrderDto();

const created: OrderEvent = { type: 'OrderCreated', data: createdOrder };
const create: OrderCommand = { type: 'CreateOrder', data: { input, orderId: ORDER_ID, lineIds: LINE_IDS, now: T0 } };
const update = (fields: Extract<OrderCommand, { type: 'UpdateOrder' }>['data']['input'], now = T1): OrderCommand => ({
  type: 'UpdateOrder',
  data: { input: fields, now },
});
const cancel = (reason: string | null, now = T2): OrderCommand => ({ type: 'CancelOrder', data: { reason, now } });

/** Given / when / then over the decider. */
const { given, givenState: given_state } = deciderSpec(orderDecider);
const withStatus = (status: OrderStatus): OrderState => ({ order: { ...createdOrder, status } });

describe('order decider', () => {
  describe('CreateOrder', () => {
    it('given no order, creates a pending order with pending lines', () => {
      given().when(create).then([created]);
    });

    it('renders the order in the exact key order', () => {
      const state = given().when(create).thenState();
      const order = orderRepresentation(state);
      expect(Object.keys(order)).toEqual([
        'id',
        'order_number',
        'external_order_id',
        'customer_name',
        'customer_info',
        'notes',
        'order_date',
        'due_date',
        'metadata',
        'status',
        'cancellation_reason',
        'items',
        'created_at',
        'updated_at',
      ]);
      expect(Object.keys(order.items[0])).toEqual(['id', 'sku', 'quantity', 'verified_quantity', 'verification_status', 'notes']);
      expect(order).toEqual(createdOrder);
    });

    it('normalises now to RFC 3339 UTC with Z', () => {
      const state = given()
        .when({ type: 'CreateOrder', data: { input, orderId: ORDER_ID, lineIds: LINE_IDS, now: '2026-04-16T12:00:00.123456+02:00' } })
        .thenState();
      expect(state.order?.created_at).toBe('2026-04-16T10:00:00.123456Z');
      expect(state.order?.updated_at).toBe('2026-04-16T10:00:00.123456Z');
    });

    it('given an existing order, fails with the duplicate error', () => {
      given(created)
        .when(create)
        .thenFails({
          code: 'VALIDATION_ERROR',
          message: 'order_number: An order with this order_number already exists.',
          details: { order_number: ['An order with this order_number already exists.'] },
        });
    });

    it('requires one line id per line', () => {
      expect(() =>
        decideOrder({ type: 'CreateOrder', data: { input, orderId: ORDER_ID, lineIds: [LINE_IDS[0]], now: T0 } }, initialOrderState()),
      ).toThrow('one line id per line');
    });
  });

  describe('UpdateOrder', () => {
    it('emits only the changed fields', () => {
      given(created)
        .when(update({ notes: 'Priority shipping', due_date: '2026-04-28T00:00:00Z', customer_name: 'Acme Corporation' }))
        .then([
          {
            type: 'OrderUpdated',
            data: { changes: { notes: 'Priority shipping', due_date: '2026-04-28T00:00:00Z' }, updated_at: T1 },
          },
        ]);
    });

    it('applies the changes and moves updated_at', () => {
      const state = given(created).when(update({ notes: 'x', external_order_id: null })).thenState();
      expect(state.order).toEqual({ ...createdOrder, notes: 'x', external_order_id: null, updated_at: T1 });
    });

    it('is a no-op when nothing changes (updated_at kept)', () => {
      given(created).when(update({})).then([]);
      given(created)
        .when(
          update({
            notes: 'Deliver to loading dock B',
            external_order_id: 'ERP-5001',
            customer_info: { phone: '+1-555-0100', address: '123 Main St, Springfield' },
            metadata: { channel: 'b2b' },
            order_date: '2026-04-16T11:30:00+02:00',
            due_date: '2026-05-01T00:00:00.000000Z',
          }),
        )
        .then([]);
    });

    it('repeating the same PUT is a no-op', () => {
      const first = given(created).when(update({ notes: 'x' })).thenState();
      given_state(first).when(update({ notes: 'x' }, T2)).then([]);
    });

    it('compares objects deeply', () => {
      given(created)
        .when(update({ metadata: { channel: 'b2c' } }))
        .then([{ type: 'OrderUpdated', data: { changes: { metadata: { channel: 'b2c' } }, updated_at: T1 } }]);
      given(created)
        .when(update({ customer_info: {} }))
        .then([{ type: 'OrderUpdated', data: { changes: { customer_info: {} }, updated_at: T1 } }]);
    });

    it('clears datetimes', () => {
      given(created)
        .when(update({ order_date: null }))
        .then([{ type: 'OrderUpdated', data: { changes: { order_date: null }, updated_at: T1 } }]);
    });

    it.each<[OrderStatus]>([['pending'], ['in_progress'], ['verified']])('is allowed while %s', (status) => {
      given_state(withStatus(status))
        .when(update({ notes: 'n' }))
        .then([{ type: 'OrderUpdated', data: { changes: { notes: 'n' }, updated_at: T1 } }]);
    });

    it('fails on a cancelled order, even for {}', () => {
      const error = { code: 'SERVICE_ERROR', message: 'Order is cancelled and can no longer be updated.' } as const;
      given_state(withStatus('cancelled')).when(update({})).thenFails(error);
      given(created, { type: 'OrderCancelled', data: { status: 'cancelled', reason: null, previous_status: 'pending', updated_at: T1 } })
        .when(update({ notes: 'x' }))
        .thenFails(error);
    });

    it('fails on a shipped order, even for {}', () => {
      given_state(withStatus('shipped'))
        .when(update({}))
        .thenFails({ code: 'SERVICE_ERROR', message: 'Order has been shipped and can no longer be updated.' });
    });

    it('fails when the order does not exist', () => {
      const r = decideOrder(update({}), initialOrderState());
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.error.code).toBe('NOT_FOUND');
    });
  });

  describe('CancelOrder', () => {
    it('cancels a pending order with a reason', () => {
      given(created)
        .when(cancel('Customer cancelled'))
        .then([
          {
            type: 'OrderCancelled',
            data: { status: 'cancelled', reason: 'Customer cancelled', previous_status: 'pending', updated_at: T2 },
          },
        ]);
    });

    it('sets status, reason and updated_at', () => {
      const state = given(created).when(cancel('Customer cancelled')).thenState();
      expect(orderRepresentation(state)).toEqual({
        ...createdOrder,
        status: 'cancelled',
        cancellation_reason: 'Customer cancelled',
        updated_at: T2,
      });
    });

    it('keeps cancellation_reason null without a reason', () => {
      const state = given(created).when(cancel(null)).thenState();
      expect(state.order?.cancellation_reason).toBeNull();
      expect(state.order?.status).toBe('cancelled');
    });

    it.each<[OrderStatus]>([['in_progress'], ['verified']])('cancels from %s', (status) => {
      given_state(withStatus(status))
        .when(cancel(null))
        .then([{ type: 'OrderCancelled', data: { status: 'cancelled', reason: null, previous_status: status, updated_at: T2 } }]);
    });

    it('is a no-op on a cancelled order (reason and updated_at kept)', () => {
      const cancelled = given(created).when(cancel('first')).thenState();
      given_state(cancelled).when(cancel('second', '2026-04-17T00:00:00Z')).then([]);
      expect(cancelled.order?.cancellation_reason).toBe('first');
    });

    it('fails on a shipped order', () => {
      given_state(withStatus('shipped'))
        .when(cancel('too late'))
        .thenFails({ code: 'SERVICE_ERROR', message: 'Order has been shipped and cannot be cancelled.' });
    });
  });

  describe('evolve', () => {
    it('ignores events before creation and unknown events', () => {
      const s = initialOrderState();
      expect(evolveOrder(s, { type: 'OrderUpdated', data: { changes: { notes: 'x' }, updated_at: T1 } })).toBe(s);
      const unknown = { type: 'OrderShipped', data: {} } as unknown as OrderEvent;
      const st = foldOrder([created]);
      expect(evolveOrder(st, unknown)).toBe(st);
    });

    it('does not mutate the previous state', () => {
      const s1 = foldOrder([created]);
      const snapshot = JSON.parse(JSON.stringify(s1)) as OrderState;
      evolveOrder(s1, { type: 'OrderUpdated', data: { changes: { notes: 'changed' }, updated_at: T1 } });
      expect(s1).toEqual(snapshot);
    });

    it('exposes the decider as one value', () => {
      expect(orderDecider.initialState()).toEqual({ order: null });
      expect(orderDecider.decide).toBe(decideOrder);
      expect(orderDecider.evolve).toBe(evolveOrder);
    });

    it('refuses to render a missing order', () => {
      expect(() => orderRepresentation(initialOrderState())).toThrow();
    });
  });
});
