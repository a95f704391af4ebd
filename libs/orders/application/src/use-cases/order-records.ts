import { DocumentStreams, type RecordLookup } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import type { EventStore } from '@datamingle/event-store';
import { toValidationError } from '@datamingle/kernel';
import { notFoundOrder, orderDecider, orderRepresentation } from '@datamingle/orders-domain';
import { ORDER_EVENTS } from '../event-metadata';
import type { ExternalIdClaim, OrderIdentifierField, OrderReadModel, StoredOrder, Written } from '../ports';

/** Orders: one stream per order, named after its order_number (orderStreamName), decided by orderDecider. */
export const orderStreams = (store: EventStore) => new DocumentStreams({ decider: orderDecider, representation: orderRepresentation, events: ORDER_EVENTS }, store);

/**
 * An order named by the path segment (identifiers.md §2–3): by the partner's one identifier field
 * when the request names it, else external_order_id then order_number; else 404.
 */
export const orderLookup = (readModel: OrderReadModel): RecordLookup<StoredOrder> => ({
  find: (tenantId, identifier, field) => readModel.findByIdentifier(tenantId, identifier, orderIdentifierField(field)),
  notFound: notFoundOrder,
});

/** The identifier field a partner key names, if it is one of the orders' (anything else: the platform default). */
export function orderIdentifierField(field: string | undefined): OrderIdentifierField | undefined {
  return field === 'order_number' || field === 'external_order_id' ? field : undefined;
}

/** The uniqueness error of order_number / external_order_id, among the field errors (400). */
export function duplicateOrder(field: 'order_number' | 'external_order_id'): ServiceReply {
  return { ok: false, error: toValidationError({ [field]: [`An order with this ${field} already exists.`] }) };
}

/**
 * Runs a write through the orders read model, holding `claim` on an external_order_id: when
 * another order holds it, the write is refused with the duplicate external_order_id error.
 */
export function projectedOrder(readModel: OrderReadModel, tenantId: string, streamName: string, claim: ExternalIdClaim | null) {
  return async <T>(write: () => Promise<Written<T>>): Promise<ServiceReply | void> => {
    const written = await readModel.writeAndProject(tenantId, streamName, claim, write);
    if (written.taken) return duplicateOrder('external_order_id');
  };
}
