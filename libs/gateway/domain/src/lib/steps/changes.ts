/**
 * The change feed, `GET changes/` (history-feed-idempotency.md §2): the tenant's events in
 * storage order, each with its record as a GET answers it now, behind opaque tenant-bound cursors;
 * `wait` long-polls, woken by the store's notifications of new events.
 *
 * Steps, in the pipeline's order: 8 (route), 9 (method: GET, HEAD, OPTIONS), 10 (scope: the read
 * scope of every resource named in `resources`; without it, every resource the key can read),
 * 11 (query: `resources`, `limit`, `wait`, `after`), then the read. Events come from the
 * `changeFeed` port; current records from each owning service (`records` operation, one call
 * per resource on the page, with the key's partner mapping so records are in the partner's names).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { RESOURCE_NAMES, type ApiError, type ResourceName, type ServiceRequest } from '@datamingle/contracts';
import { invalidCursorError, parseLimit } from '@datamingle/kernel';
import { gatewayErrors, successEnvelope } from '../responses';
import { requiredScope, scopeAllows } from '../scopes';
import type { ChangeFeedPort, FeedEvent, Operation } from '../types';
import type { AuthenticatedCaller, Outcome, RequestContext } from './context';
import { authLayerOutcome, errorOutcome, methodNotAllowed, optionsOutcome } from './outcomes';
import { emitSecurityEvent } from './steps-02-05-authentication';
import { RESOURCE_OF } from './integration-log';
import { partnerRequestFields } from './step-14-partner-mapping';
import { replyOutcome } from './steps-16-18-dispatch';

export const CHANGES_METHODS: readonly string[] = ['GET', 'HEAD', 'OPTIONS'];
export const DEFAULT_FEED_LIMIT = 100;
export const MAX_FEED_LIMIT = 1000;
export const MAX_WAIT_SECONDS = 30;
/**
 * How long a page waits, at least, for the records of its first change to be projected (a change
 * is visible in the store a moment before its writer has updated the read model): past it, the page
 * answers what is ready — nothing, with the same cursor, when even the first is not.
 */
export const NOT_READY_GRACE_MS = 2_000;

/** The feed's `resource` of each resource: its singular name, which is also the stream category its records' events are stored under. */
export const FEED_RESOURCE: Readonly<Record<ResourceName, string>> = RESOURCE_OF;

// ---------------------------------------------------------------------------------------------
// Cursors: `<payload>.<mac>`, the payload the base64url of {"t": tenant id, "p": store position
// or null}, the MAC an HMAC-SHA256 (first 16 bytes) of the payload under the gateways' shared
// secret. Tamper-proof and bound to the tenant; valid as long as the secret (no expiry).

const CURSOR_PATTERN = /^[A-Za-z0-9_-]{1,400}\.[A-Za-z0-9_-]{22}$/;

function mac(secret: Uint8Array, payload: string): Buffer {
  return createHmac('sha256', secret).update(payload, 'utf8').digest().subarray(0, 16);
}

export function encodeFeedCursor(secret: Uint8Array, tenantId: string, position: string | null): string {
  const payload = Buffer.from(JSON.stringify({ t: tenantId, p: position }), 'utf8').toString('base64url');
  return `${payload}.${mac(secret, payload).toString('base64url')}`;
}

/** The position a cursor names (`null`: the tenant's beginning), or `'invalid'` (malformed, altered, or another tenant's). */
export function decodeFeedCursor(secret: Uint8Array, tenantId: string, cursor: string): { position: string | null } | 'invalid' {
  if (!CURSOR_PATTERN.test(cursor)) return 'invalid';
  const [payload, tag] = cursor.split('.') as [string, string];
  const given = Buffer.from(tag, 'base64url');
  if (given.length !== 16 || !timingSafeEqual(given, mac(secret, payload))) return 'invalid';
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
  } catch {
    return 'invalid';
  }
  const { t, p } = (parsed ?? {}) as { t?: unknown; p?: unknown };
  if (t !== tenantId || !(p === null || typeof p === 'string')) return 'invalid';
  return { position: p };
}

// ---------------------------------------------------------------------------------------------
// Query parameters (step 11)

interface FeedQuery {
  resources: ResourceName[];
  limit: number;
  waitMs: number;
  after: string | null;
}

const INVALID_CURSOR = 'Invalid cursor.';
const INVALID_WAIT = `Must be an integer between 0 and ${MAX_WAIT_SECONDS}.`;

/** `resources`: a comma-separated list of resource names, or every one (the names the key cannot read are refused at step 10). */
function namedResources(raw: string | undefined): { names: string[]; explicit: boolean } {
  if (raw === undefined || raw.trim() === '') return { names: [...RESOURCE_NAMES], explicit: false };
  return { names: [...new Set(raw.split(',').map((s) => s.trim()).filter((s) => s !== ''))], explicit: true };
}

function parseFeedQuery(
  query: Record<string, string>,
  { names, explicit }: { names: string[]; explicit: boolean },
  feed: ChangeFeedPort,
  tenantId: string,
  readable: ResourceName[],
): FeedQuery | ApiError {
  const details: Record<string, string[]> = {};
  const unknown = explicit ? names.filter((n) => !(RESOURCE_NAMES as string[]).includes(n)) : [];
  if (unknown.length > 0) details['resources'] = unknown.map((n) => `"${n}" is not a valid choice.`);
  let waitMs = 0;
  const rawWait = query['wait'];
  if (rawWait !== undefined && rawWait !== '') {
    if (!/^[0-9]{1,6}$/.test(rawWait) || Number(rawWait) > MAX_WAIT_SECONDS) details['wait'] = [INVALID_WAIT];
    else waitMs = Number(rawWait) * 1000;
  }
  let after: string | null = null;
  const rawAfter = query['after'];
  let invalidAfter: string | null = null;
  if (rawAfter !== undefined && rawAfter !== '') {
    const decoded = decodeFeedCursor(feed.cursorSecret, tenantId, rawAfter);
    if (decoded === 'invalid') {
      details['after'] = [INVALID_CURSOR];
      invalidAfter = rawAfter;
    } else {
      after = decoded.position;
    }
  }
  if (Object.keys(details).length > 0) {
    const error = gatewayErrors.invalidQuery(details);
    return invalidAfter !== null ? { ...error, message: invalidCursorError(invalidAfter).message } : error;
  }
  // pagination.md §1's rule, with the feed's range.
  return { resources: readable, limit: parseLimit(query['limit'], { fallback: DEFAULT_FEED_LIMIT, max: MAX_FEED_LIMIT }), waitMs, after };
}

// ---------------------------------------------------------------------------------------------
// The request

/** Steps 9–11 and the answer of `changes/`. `query` is the parsed query string (step 11). */
export async function handleChanges(ctx: RequestContext, caller: AuthenticatedCaller, query: Record<string, string>): Promise<Outcome> {
  const feed = ctx.deps.changeFeed;
  if (!feed) return errorOutcome(ctx, gatewayErrors.routeNotFound());
  // Step 9.
  if (!CHANGES_METHODS.includes(ctx.method)) return methodNotAllowed(ctx, CHANGES_METHODS);

  // Step 10: the read scope of every named resource (default: all the key can read; at least one).
  const named = namedResources(query['resources']);
  const { names, explicit } = named;
  const known = names.filter((n): n is ResourceName => (RESOURCE_NAMES as string[]).includes(n));
  const denied = explicit ? known.find((r) => !scopeAllows(caller.key.scopes, r, 'read')) : undefined;
  const readable = known.filter((r) => scopeAllows(caller.key.scopes, r, 'read'));
  const refused = denied ?? (readable.length === 0 && !explicit ? RESOURCE_NAMES[0] : undefined);
  if (refused !== undefined) {
    emitSecurityEvent(ctx, 'PERMISSION_DENIED', caller.key, caller.tenantSlug);
    if (ctx.log) ctx.log.skip = true;
    return authLayerOutcome('PERMISSION_DENIED', ctx, { required_scope: requiredScope(refused, 'read') });
  }
  if (ctx.method === 'OPTIONS') return optionsOutcome(CHANGES_METHODS);

  // Step 11.
  const parsed = parseFeedQuery(query, named, feed, caller.key.tenantId, readable);
  if ('code' in parsed) return errorOutcome(ctx, parsed);
  if (parsed.resources.length === 0) {
    // Only unknown names were given: nothing to read (they were refused above as invalid choices).
    return errorOutcome(ctx, gatewayErrors.invalidQuery({ resources: ['This field is required.'] }));
  }

  const tenantId = caller.key.tenantId;
  const categories = parsed.resources.map((r) => FEED_RESOURCE[r]);
  // `wait` counts from now: the request holds its concurrency slot (step 7) from here on.
  const deadline = Date.now() + parsed.waitMs;
  const graceUntil = Math.max(deadline, Date.now() + NOT_READY_GRACE_MS);
  let pauseMs = 5;
  for (;;) {
    const events = await readOrWait(feed, tenantId, parsed, categories, deadline);
    const page = await feedEntries(ctx, caller, events);
    if (!('entries' in page)) return page;
    // A page ends before the first change whose record does not reflect it yet: never a missing or
    // older record for a change (the client would never see its data), never a skipped change.
    const ready = page.entries.findIndex((e) => e.record === null);
    const shown = ready < 0 ? page.entries : page.entries.slice(0, ready);
    if (shown.length > 0 || events.length === 0 || Date.now() >= graceUntil || feed.closing) {
      if (shown.length === 0 && events.length > 0 && !feed.closing) {
        ctx.deps.onFeedHeldBack?.({ tenantId, streamName: events[0]!.streamName, revision: events[0]!.revision, requestId: ctx.requestId });
      }
      const last = events[shown.length - 1];
      const next = encodeFeedCursor(feed.cursorSecret, tenantId, last ? last.position : parsed.after);
      return { status: 200, body: successEnvelope(shown, { limit: parsed.limit, next_cursor: next }) };
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pauseMs, graceUntil - Date.now())));
    pauseMs = Math.min(pauseMs * 2, 200);
  }
}

/**
 * Reads a page; while it is empty and the deadline is ahead, waits for the store's notification of
 * new events of these categories and reads again. The wait is registered before each read, so an
 * event committed between the read and the wait still wakes it. After a notification whose events
 * are not readable yet (an older transaction is still open, so the store's order is not settled
 * up to them) it looks again after 20 ms, doubling up to 1 s; otherwise it sleeps until the next
 * notification or the deadline — the database is not polled in a loop. A gateway that is shutting
 * down answers what it has (an empty page with the same cursor: the client asks again elsewhere).
 */
async function readOrWait(feed: ChangeFeedPort, tenantId: string, query: FeedQuery, categories: string[], deadline: number): Promise<FeedEvent[]> {
  let recheckMs = 0;
  for (;;) {
    const remaining = deadline - Date.now();
    const stop = new AbortController();
    const waiting = remaining > 0 && !feed.closing ? feed.waitForChanges(recheckMs > 0 ? Math.min(remaining, recheckMs) : remaining, categories, stop.signal) : null;
    let events: FeedEvent[];
    try {
      events = await feed.read(tenantId, query.after, categories, query.limit);
    } catch (error) {
      // A failed read ends its wait too (no registration outlives the request).
      stop.abort();
      throw error;
    }
    if (events.length > 0 || waiting === null) {
      stop.abort();
      return events;
    }
    const woken = await waiting;
    if (woken || recheckMs > 0) recheckMs = recheckMs === 0 ? 20 : Math.min(recheckMs * 2, 1000);
  }
}

/** The page's entries, each with its record as its owning service answers it now (one `records` call per resource). */
interface FeedEntry {
  cursor: string;
  resource: string;
  id: string;
  identifier: string | null;
  type: string;
  version: number;
  occurred_at: string;
  /** `null`: the owning service's read model does not reflect this change yet. */
  record: unknown;
}

async function feedEntries(ctx: RequestContext, caller: AuthenticatedCaller, events: readonly FeedEvent[]): Promise<{ entries: FeedEntry[] } | Outcome> {
  let failure: Outcome | null = null;
  const byResource = new Map<ResourceName, number[]>();
  events.forEach((e, i) => {
    const indexes = byResource.get(e.resource);
    if (indexes) indexes.push(i);
    else byResource.set(e.resource, [i]);
  });
  const current: Array<{ identifier: string | null; record: unknown } | null> = events.map(() => null);
  await Promise.all(
    [...byResource].map(async ([resource, indexes]) => {
      const partner = await partnerRequestFields(ctx.deps, caller.key.tenantId, resource, caller.key.partner);
      const op: Operation = { resource, action: 'read', name: 'records' };
      const request: ServiceRequest = {
        tenantId: caller.key.tenantId,
        tenantSlug: caller.tenantSlug,
        requestId: ctx.requestId,
        query: {},
        body: {
          refs: indexes.map((i) => ({ stream: events[i]!.streamName, revision: events[i]!.revision, ...(events[i]!.sku !== undefined ? { sku: events[i]!.sku } : {}) })),
        },
        ...partner,
      };
      const reply = await ctx.deps.dispatch(op, request, caller.key.id);
      if (!reply.ok) {
        // The service's own answer (e.g. its 503) is the request's.
        failure ??= replyOutcome(ctx, reply);
        return;
      }
      const records = Array.isArray(reply.data) ? (reply.data as unknown[]) : null;
      if (records === null || records.length !== indexes.length) throw new Error(`The ${resource} records reply does not follow the contract.`);
      indexes.forEach((eventIndex, k) => {
        const found = records[k] as { identifier?: unknown; record?: unknown } | null;
        current[eventIndex] = found && typeof found === 'object' ? { identifier: typeof found.identifier === 'string' ? found.identifier : null, record: found.record ?? null } : null;
      });
    }),
  );
  if (failure !== null) return failure;
  const entries = events.map((e, i): FeedEntry => ({
    cursor: encodeFeedCursor(ctx.deps.changeFeed!.cursorSecret, caller.key.tenantId, e.position),
    resource: FEED_RESOURCE[e.resource],
    id: e.aggregateId,
    identifier: current[i]?.identifier ?? null,
    type: e.type,
    version: e.version,
    occurred_at: e.occurredAt,
    record: current[i]?.record ?? null,
  }));
  return { entries };
}
