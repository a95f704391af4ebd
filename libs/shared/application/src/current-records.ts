import type { RecordRef, ServiceReply, ServiceRequest } from '@datamingle/contracts';

/** At most this many records per `records` request (the change feed's largest page). */
export const MAX_RECORD_REFS = 1000;

/**
 * The refs of a `records` request (the gateway's change feed, history-feed-idempotency.md §2):
 * `body.refs`, each `{stream, sku?}`. Anything else is a broken contract between gateway and
 * service, answered `null` (the caller treats it as an internal error).
 */
export function recordRefsOf(request: ServiceRequest): RecordRef[] | null {
  const refs = request.body['refs'];
  if (!Array.isArray(refs) || refs.length > MAX_RECORD_REFS) return null;
  const valid = refs.every(
    (r: unknown) =>
      typeof r === 'object' && r !== null && typeof (r as RecordRef).stream === 'string' && ((r as RecordRef).sku === undefined || typeof (r as RecordRef).sku === 'string'),
  );
  return valid ? (refs as RecordRef[]) : null;
}

/** One answer of a `records` request: the record as its GET answers it now, and the identifier that addresses it. */
export interface CurrentRecord<Doc = unknown> {
  /** The value `{identifier}` matches for this caller (identifiers.md §2: the partner's field, else the platform default). */
  identifier: string | null;
  record: Doc;
}

/**
 * The `records` operation of a record-per-stream resource: the current document of each ref's
 * stream with its identifier, in the refs' order, `null` where the tenant has no such record.
 */
export async function currentRecords<Doc>(
  request: ServiceRequest,
  findByStreams: (tenantId: string, streams: readonly string[]) => Promise<Map<string, Doc>>,
  identifierOf: (doc: Doc, field: string | undefined) => string | null,
): Promise<ServiceReply> {
  const refs = recordRefsOf(request);
  if (refs === null) throw new TypeError('records: body.refs must be an array of at most 1000 {stream, sku?} objects');
  const found = await findByStreams(request.tenantId, refs.map((r) => r.stream));
  const data = refs.map((r): CurrentRecord<Doc> | null => {
    const doc = found.get(r.stream);
    return doc === undefined ? null : { identifier: identifierOf(doc, request.identifierField), record: doc };
  });
  return { ok: true, status: 200, data };
}
