import { randomUUID } from 'node:crypto';
import type { ApiError, FieldErrors, ServiceReply, ServiceRequest } from '@datamingle/contracts';
import type { DomainEvent, EventStore } from '@datamingle/event-store';
import { toValidationError } from '@datamingle/kernel';
import type { Clock } from './clock';
import { DocumentStreams, projectedBy, type DocumentKind, type ProjectingReadModel } from './document-streams';
import { recordHistory } from './record-history';
import { withRecord, type RecordLookup } from './record-replies';

/** A record found by its natural key: its document and the stream it lives in. */
export interface FoundDocument<Doc> {
  doc: Doc;
  streamName: string;
}

/**
 * A kind of record with a natural key (a product's SKU, a location's code) that names its
 * stream, so that creating the stream with expected revision "no stream" keeps the key unique per
 * tenant. What the create / change / get use cases need to know of it.
 */
export interface KeyedDocuments<ReadModel extends ProjectingReadModel<Doc>, Input, Command, State, Event extends DomainEvent, Doc extends { id: string }>
  extends DocumentFinder<ReadModel, Doc> {
  kind: DocumentKind<Command, State, Event, Doc>;
  streamName(tenantId: string, key: string): string;
  /** The answer to a create of a key another record holds (a business rule: 409 DUPLICATE). */
  duplicate(): ApiError;
  validateCreate(body: Record<string, unknown>): { ok: true; value: Input } | { ok: false; error: FieldErrors };
  key(input: Input): string;
  create(input: Input, id: string, now: string): Command;
}

/** How a record is found by its natural key in the read model, and what answers when it is not. */
export interface DocumentFinder<ReadModel, Doc> {
  find(readModel: ReadModel, tenantId: string, key: string): Promise<FoundDocument<Doc> | null>;
  notFound(key: string): ApiError;
}

/** What those use cases run against. */
export interface DocumentDeps<ReadModel> {
  readonly store: EventStore;
  readonly readModel: ReadModel;
  readonly clock: Clock;
}

/** A change of a found record: its command once `now` is known, or the field errors of the request. */
export type DocumentChange<Command> = { ok: true; value: (now: string) => Command } | { ok: false; error: FieldErrors };

const lookupOf = <ReadModel, Doc>(
  documents: DocumentFinder<ReadModel, Doc>,
  readModel: ReadModel,
): RecordLookup<FoundDocument<Doc>> => ({ find: (tenantId, key) => documents.find(readModel, tenantId, key), notFound: (key) => documents.notFound(key) });

/**
 * Create: field validation (422), the natural key not yet taken (409 DUPLICATE, checked after
 * field validation), then the record's stream created ({@link DocumentStreams.create}: 201, or
 * 409 DUPLICATE when a concurrent or earlier create won).
 */
export async function createDocument<ReadModel extends ProjectingReadModel<Doc>, Input, Command, State, Event extends DomainEvent, Doc extends { id: string }>(
  documents: KeyedDocuments<ReadModel, Input, Command, State, Event, Doc>,
  deps: DocumentDeps<ReadModel>,
  request: ServiceRequest,
): Promise<ServiceReply> {
  const validated = documents.validateCreate(request.body);
  if (!validated.ok) return { ok: false, error: toValidationError(validated.error) };
  const input = validated.value;
  const key = documents.key(input);
  if (await documents.find(deps.readModel, request.tenantId, key)) return { ok: false, error: documents.duplicate() };
  const now = deps.clock.now().toISOString();
  const id = randomUUID();
  const streamName = documents.streamName(request.tenantId, key);
  return new DocumentStreams(documents.kind, deps.store).create({
    request,
    streamName,
    aggregateId: id,
    command: documents.create(input, id, now),
    now,
    project: projectedBy(deps.readModel, request.tenantId, streamName),
    duplicate: () => ({ ok: false, error: documents.duplicate() }),
  });
}

/**
 * Change: the record the request names (404), the change `decide` makes of it (422 for its field
 * errors), then the command run on its stream ({@link DocumentStreams.change}).
 */
export function changeDocument<ReadModel extends ProjectingReadModel<Doc>, Input, Command, State, Event extends DomainEvent, Doc extends { id: string }>(
  documents: KeyedDocuments<ReadModel, Input, Command, State, Event, Doc>,
  deps: DocumentDeps<ReadModel>,
  request: ServiceRequest,
  decide: (doc: Doc) => DocumentChange<Command>,
): Promise<ServiceReply> {
  return withRecord(lookupOf(documents, deps.readModel), request, ({ doc, streamName }) => {
    const change = decide(doc);
    if (!change.ok) return { ok: false, error: toValidationError(change.error) };
    const now = deps.clock.now().toISOString();
    return new DocumentStreams(documents.kind, deps.store).change({
      request,
      streamName,
      aggregateId: doc.id,
      command: change.value(now),
      now,
      project: projectedBy(deps.readModel, request.tenantId, streamName),
    });
  });
}

/** Get: 200 with the record the request names, else 404. */
export function getDocument<ReadModel, Doc>(
  documents: DocumentFinder<ReadModel, Doc>,
  readModel: ReadModel,
  request: ServiceRequest,
): Promise<ServiceReply> {
  return withRecord(lookupOf(documents, readModel), request, ({ doc }) => ({ ok: true, status: 200, data: doc }));
}

/** History: the record the request names (404 as its GET), then a page of its stream's history (record-history.ts). */
export function documentHistory<ReadModel extends ProjectingReadModel<Doc>, Input, Command, State, Event extends DomainEvent, Doc extends { id: string }>(
  documents: KeyedDocuments<ReadModel, Input, Command, State, Event, Doc>,
  deps: Pick<DocumentDeps<ReadModel>, 'store' | 'readModel'>,
  request: ServiceRequest,
): Promise<ServiceReply> {
  return recordHistory(documents.kind, deps.store, lookupOf(documents, deps.readModel), request);
}
