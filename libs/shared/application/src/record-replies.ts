import type { ApiError, ServiceReply, ServiceRequest } from '@datamingle/contracts';

/** One page of a list and the cursor of the next one (null: the last page). */
export interface Page<T> {
  items: T[];
  nextCursor: string | null;
}

/** How a use case finds the record a request names by its identifier (the path segment), and what it answers when there is none. */
export interface RecordLookup<Found> {
  /** `field`: the one field to match for a partner key (ServiceRequest.identifierField); absent: the platform default. */
  find(tenantId: string, identifier: string, field?: string): Promise<Found | null>;
  notFound(identifier: string): ApiError;
}

/** Finds the record `request` names: `then(found)` answers for it, else the lookup's 404. */
export async function withRecord<Found>(
  lookup: RecordLookup<Found>,
  request: ServiceRequest,
  then: (found: Found) => ServiceReply | Promise<ServiceReply>,
): Promise<ServiceReply> {
  const identifier = request.identifier ?? '';
  const found = await lookup.find(request.tenantId, identifier, request.identifierField);
  if (!found) return { ok: false, error: lookup.notFound(identifier) };
  return then(found);
}

/** 200 with one page of a list and its pagination. */
export function pageReply<T>(limit: number, page: Page<T>): ServiceReply {
  return { ok: true, status: 200, data: page.items, pagination: { limit, next_cursor: page.nextCursor } };
}

/** A list request: its query validated (else that error), then one page loaded and answered with {@link pageReply}. */
export async function listReply<Query extends { limit: number }, T>(
  query: { ok: true; value: Query } | { ok: false; error: ApiError },
  load: (query: Query) => Promise<Page<T>>,
): Promise<ServiceReply> {
  if (!query.ok) return { ok: false, error: query.error };
  return pageReply(query.value.limit, await load(query.value));
}
