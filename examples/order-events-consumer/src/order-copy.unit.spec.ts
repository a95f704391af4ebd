import { OrdersCopy, type OrderEventEnvelope } from './order-copy';

const tenant = 't-1';
const ev = (type: string, version: number, data: Record<string, unknown>, id = `${type}-${version}`): OrderEventEnvelope => ({
  id,
  type,
  tenant_id: tenant,
  aggregate_id: 'o-1',
  aggregate_version: version,
  data,
});

describe('OrdersCopy', () => {
  const created = ev('OrderCreated', 1, { id: 'o-1', order_number: 'A', notes: null, status: 'pending', cancellation_reason: null, updated_at: 't1' });

  it('keeps an order from its events', () => {
    const copy = new OrdersCopy();
    copy.apply(created);
    copy.apply(ev('OrderUpdated', 2, { changes: { notes: 'x' }, updated_at: 't2' }));
    copy.apply(ev('OrderCancelled', 3, { status: 'cancelled', reason: 'r', previous_status: 'pending', updated_at: 't3' }));
    expect(copy.get(tenant, 'o-1')).toEqual({ id: 'o-1', order_number: 'A', notes: 'x', status: 'cancelled', cancellation_reason: 'r', updated_at: 't3' });
  });

  it('ignores duplicates and older versions (at-least-once delivery)', () => {
    const copy = new OrdersCopy();
    expect(copy.apply(created)).toBe(true);
    expect(copy.apply(ev('OrderUpdated', 2, { changes: { notes: 'x' }, updated_at: 't2' }))).toBe(true);
    expect(copy.apply(created)).toBe(false);
    expect(copy.apply(ev('OrderUpdated', 2, { changes: { notes: 'x' }, updated_at: 't2' }))).toBe(false);
    expect(copy.get(tenant, 'o-1')!['notes']).toBe('x');
    expect(copy.size).toBe(1);
  });
});
