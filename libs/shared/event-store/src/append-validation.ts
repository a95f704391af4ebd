import { DuplicateEventIdError, type ExpectedRevision, type NewEvent, type StreamAppend } from './port';

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An append's events checked and serialized: lower-case ids, types, and data and metadata as JSON text. */
export interface PreparedEvents {
  ids: string[];
  types: string[];
  data: string[];
  metadata: string[];
}

/**
 * The argument checks every adapter makes before it talks to its store: a stream name, a
 * known expected revision, UUID ids (none twice in the append: DuplicateEventIdError), a type,
 * object metadata and JSON-serializable data.
 */
export function prepareAppend(streamName: string, events: readonly NewEvent[], expectedRevision: ExpectedRevision): PreparedEvents {
  if (typeof streamName !== 'string' || streamName.length === 0) throw new TypeError('streamName must be a non-empty string');
  if (typeof expectedRevision === 'bigint') {
    if (expectedRevision < -1n) throw new RangeError(`expectedRevision must be >= 0n (or -1n for no_stream): ${expectedRevision}`);
  } else if (expectedRevision !== 'no_stream' && expectedRevision !== 'stream_exists' && expectedRevision !== 'any') {
    throw new TypeError(`Unknown expectedRevision: ${String(expectedRevision)}`);
  }
  const prepared: PreparedEvents = { ids: [], types: [], data: [], metadata: [] };
  const seen = new Set<string>();
  for (const event of events) {
    if (typeof event.id !== 'string' || !UUID_PATTERN.test(event.id)) throw new TypeError(`Event id must be a UUID: '${event.id}'`);
    const id = event.id.toLowerCase();
    if (seen.has(id)) throw new DuplicateEventIdError(streamName, id);
    seen.add(id);
    if (typeof event.type !== 'string' || event.type.length === 0) throw new TypeError('Event type must be a non-empty string');
    if (event.metadata === null || typeof event.metadata !== 'object' || Array.isArray(event.metadata)) {
      throw new TypeError('Event metadata must be an object');
    }
    const data = JSON.stringify(event.data);
    if (data === undefined) throw new TypeError(`Event data of '${event.type}' is not JSON-serializable`);
    prepared.ids.push(id);
    prepared.types.push(event.type);
    prepared.data.push(data);
    prepared.metadata.push(JSON.stringify(event.metadata));
  }
  return prepared;
}

/** prepareAppend for every stream of an appendToStreams call; a stream may appear once, an id once in the whole call. */
export function prepareAppends(appends: readonly StreamAppend[]): PreparedEvents[] {
  const streams = new Set<string>();
  const ids = new Set<string>();
  return appends.map((a) => {
    if (streams.has(a.streamName)) throw new TypeError(`appendToStreams: stream '${a.streamName}' appears more than once`);
    streams.add(a.streamName);
    const prepared = prepareAppend(a.streamName, a.events, a.expectedRevision);
    for (const id of prepared.ids) {
      if (ids.has(id)) throw new DuplicateEventIdError(a.streamName, id);
      ids.add(id);
    }
    return prepared;
  });
}

/** True when a stream at `actual` satisfies `expected` (for checks made by the adapter itself). */
export function revisionMatches(expected: ExpectedRevision, actual: bigint | 'no_stream'): boolean {
  return (
    expected === 'any' ||
    (expected === 'stream_exists' && actual !== 'no_stream') ||
    ((expected === 'no_stream' || expected === -1n) && actual === 'no_stream') ||
    (typeof expected === 'bigint' && expected === actual)
  );
}
