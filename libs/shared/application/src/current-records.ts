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
      typeof r === 'object' &&
      r !== null &&
      typeof (r as RecordRef).stream === 'string' &&
      ((r as RecordRef).sku === undefined || typeof (r as RecordRef).sku === 'string') &&
      ((r as RecordRef).revision === undefined || Number.isSafeInteger((r as RecordRef).revision)),
  );
  return valid ? (refs as RecordRef[]) : null;
}

/** One answer of a `records` request: the record as its GET answers it now, and the identifier that addresses it. */
export interface CurrentRecord<Doc = unknown> {
  /** The value `{identifier}` matches for this caller (identifiers.md §2: the partner's field, else the platform default). */
  identifier: string | null;
  record: Doc;
}

/** Whether a row reflecting `revision` of its stream is recent enough for a ref (one without a revision takes any). */
export function reflects(ref: RecordRef, revision: number): boolean {
  return ref.revision === undefined || revision >= ref.revision;
}

/**
 * The `records` operation of a record-per-stream resource: the current document of each ref's
 * stream with its identifier, in the refs' order; `null` where the tenant's read model has no row
 * reflecting the ref's revision yet (records are never deleted: the writer's projection has not
 * run yet — the caller asks again).
 */
export async function currentRecords<Doc>(
  request: ServiceRequest,
  findByStreams: (tenantId: string, streams: readonly string[]) => Promise<Map<string, { doc: Doc; revision: number }>>,
  identifierOf: (doc: Doc, field: string | undefined) => string | null,
): Promise<ServiceReply> {
  const refs = recordRefsOf(request);
  if (refs === null) throw new TypeError('records: body.refs must be an array of at most 1000 {stream, sku?, revision?} objects');
  const found = await findByStreams(request.tenantId, refs.map((r) => r.stream));
  const data = refs.map((r): CurrentRecord<Doc> | null => {
    const row = found.get(r.stream);
    return row === undefined || !reflects(r, row.revision) ? null : { identifier: identifierOf(row.doc, request.identifierField), record: row.doc };
  });
  return { ok: true, status: 200, data };
}
