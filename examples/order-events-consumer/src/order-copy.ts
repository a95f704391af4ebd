/**
 * A subscriber's own copy of orders, kept from the `<prefix>.orders.events.v1` topic alone
 * (no API calls). Delivery is at least once and in order per key, so the copy ignores any event
 * whose aggregate_version is not newer than the version it holds: duplicates change nothing.
 */
export interface OrderEventEnvelope {
  id: string;
  type: string;
  tenant_id: string;
  aggregate_id: string;
  aggregate_version: number;
  data: Record<string, unknown>;
}

export interface OrderCopy {
  order: Record<string, unknown>;
  version: number;
}

export class OrdersCopy {
  private readonly orders = new Map<string, OrderCopy>();

  /** Applies one event; returns false when it was a duplicate or an older version. */
  apply(event: OrderEventEnvelope): boolean {
    const key = `${event.tenant_id}:${event.aggregate_id}`;
    const current = this.orders.get(key);
    if (current && event.aggregate_version <= current.version) return false;
    switch (event.type) {
      case 'OrderCreated':
        this.orders.set(key, { order: { ...event.data }, version: event.aggregate_version });
        return true;
      case 'OrderUpdated': {
        if (!current) return false; // a gap: the created event is missing (cannot happen in order per key)
        const { changes, updated_at } = event.data as { changes: Record<string, unknown>; updated_at: string };
        this.orders.set(key, { order: { ...current.order, ...changes, updated_at }, version: event.aggregate_version });
        return true;
      }
      case 'OrderCancelled': {
        if (!current) return false;
        const { status, reason, updated_at } = event.data as { status: string; reason: string | null; updated_at: string };
        this.orders.set(key, { order: { ...current.order, status, cancellation_reason: reason, updated_at }, version: event.aggregate_version });
        return true;
      }
      default:
        // Later lifecycle events (OrderItemVerified, OrderShipped, ...): move the version on so
        // later known events still apply; a real consumer would handle them.
        if (current) this.orders.set(key, { ...current, version: event.aggregate_version });
        return false;
    }
  }

  get(tenantId: string, orderId: string): Record<string, unknown> | undefined {
    return this.orders.get(`${tenantId}:${orderId}`)?.order;
  }

  get size(): number {
    return this.orders.size;
  }
}
