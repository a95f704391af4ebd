/**
 * The dashboard's only backend: the admin API of the host it was loaded from
 * (`/api/admin/v1/…`, admin.md §4). Same-origin fetch with the session cookie; every write carries
 * the `X-CSRF-Token` of the sign-in / `me/` answer. Envelopes: `{success, data, pagination?}` or
 * `{success: false, error: {code, message, details?}, request_id}`.
 */

export const ADMIN_API = '/api/admin/v1/';

export interface User {
  id: string;
  email: string;
  name: string;
  role: 'admin' | 'viewer';
  is_active: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

export interface ApiKey {
  id: string;
  name: string;
  prefix: string;
  scopes: string[];
  partner: string | null;
  expires_at: string | null;
  is_active: boolean;
  rate_limit_per_second: number | null;
  created_at: string;
  last_used_at: string | null;
}

/** The creation (and rotation) answer: the key object plus the full key, shown once. */
export interface CreatedApiKey extends ApiKey {
  key: string;
}

export interface SecurityEvent {
  id?: string;
  occurred_at: string;
  request_id: string;
  reason: string;
  api_key: { id: string; name: string } | null;
  method: string;
  path: string;
  client_ip: string;
  count?: number;
  first_at?: string;
  last_at?: string;
}

/** An integration log entry in the list (integration-logs.md §2 without the three payloads). */
export interface IntegrationLogSummary {
  id: string;
  created_at: string;
  request_id: string;
  partner: { id: string; name: string } | null;
  api_key: { id: string; name: string };
  resource: string | null;
  action: string | null;
  identifier: string | null;
  method: string;
  path: string;
  query_string: string;
  http_status: number;
  status: string;
  error_code: string | null;
  error_message: string | null;
  internal_id: string | null;
  duration_ms: number;
  shortened_fields: string[];
}

/** A whole entry (`GET integration-logs/{id}/`): payloads as the JSON values (or strings) stored. */
export interface IntegrationLogEntry extends IntegrationLogSummary {
  raw_payload: unknown;
  mapped_payload: unknown;
  response_body: unknown;
}

/** custom-integrations.md §1.1. */
export interface Partner {
  id: string;
  name: string;
  template: string;
  default_identifier_field: string | null;
  created_at: string;
  updated_at: string;
}

/** A template a partner can start from (custom-integrations.md §10.1); `mappings` as in the template object. */
export interface Template {
  slug: string;
  name: string;
  version: number;
  resources: string[];
  default_identifier_field: string | null;
}

/** `POST mappings/preview/` (admin.md §4): the internal payload, or the mapping errors (caller path → messages). */
export interface MappingPreview {
  mapped_payload: unknown;
  errors: Record<string, string[]>;
}

export interface Settings {
  integration_enabled: boolean;
}

export interface Page<T> {
  data: T[];
  pagination: { limit: number; next_cursor: string | null };
}

export interface SessionInfo {
  user: User;
  csrf_token: string;
}

/** An error answer of the admin API (or a network failure: status 0). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, string[]> = {},
  ) {
    super(message);
    this.name = 'ApiError';
  }

  /** The session is gone (expired, signed out elsewhere, user disabled): sign in again. */
  get notAuthenticated(): boolean {
    return this.status === 403 && this.code === 'NOT_AUTHENTICATED';
  }
}

let csrfToken: string | null = null;
let sessionUserId: string | null = null;
const expiredListeners = new Set<() => void>();
const changedListeners = new Set<(session: SessionInfo) => void>();

/** The session the requests act in: its CSRF token (every write sends it) and its user (from the sign-in or `me/` answer). */
export function setSession(session: SessionInfo | null): void {
  csrfToken = session?.csrf_token ?? null;
  sessionUserId = session?.user.id ?? null;
}

/** Called when the browser's session turned out to be another one (another tab signed in again). */
export function onSessionChanged(listener: (session: SessionInfo) => void): () => void {
  changedListeners.add(listener);
  return () => changedListeners.delete(listener);
}

/** Called when any request answers `403 NOT_AUTHENTICATED`. Returns the unsubscribe function. */
export function onSessionExpired(listener: () => void): () => void {
  expiredListeners.add(listener);
  return () => expiredListeners.delete(listener);
}

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

interface Envelope {
  success?: boolean;
  data?: unknown;
  pagination?: Page<unknown>['pagination'];
  error?: { code?: string; message?: string; details?: Record<string, string[]> };
}

async function request(method: Method, path: string, body?: unknown, options: { quietAuth?: boolean; retried?: boolean } = {}): Promise<Envelope> {
  const headers: Record<string, string> = { Accept: 'application/json' };
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  if (method !== 'GET' && csrfToken) headers['X-CSRF-Token'] = csrfToken;
  let res: Response;
  try {
    res = await fetch(ADMIN_API + path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
    });
  } catch {
    throw new ApiError(0, 'NETWORK_ERROR', 'The platform could not be reached. Check your connection and try again.');
  }
  if (res.status === 204) return {};
  let envelope: Envelope = {};
  try {
    envelope = (await res.json()) as Envelope;
  } catch {
    /* not JSON: reported below by status */
  }
  if (!res.ok || envelope.success === false) {
    const error = new ApiError(
      res.status,
      envelope.error?.code ?? `HTTP_${res.status}`,
      envelope.error?.message ?? `The platform answered ${res.status}.`,
      envelope.error?.details ?? {},
    );
    if (error.notAuthenticated && !options.quietAuth) for (const listener of [...expiredListeners]) listener();
    // A write refused with 403 PERMISSION_DENIED may carry a stale CSRF token: another tab signed in
    // again, and the browser's cookie is now that newer session's. Nothing was changed (the checks
    // come before any change), so fetch the session's token and, if it differs, send once more.
    // Sent again only for the same user: a write is never replayed as somebody else.
    if (method !== 'GET' && error.status === 403 && error.code === 'PERMISSION_DENIED' && !options.retried && path !== 'session/') {
      const fresh = (await request('GET', 'me/', undefined, { quietAuth: true }).catch(() => null))?.data as SessionInfo | undefined;
      if (fresh?.csrf_token && fresh.csrf_token !== csrfToken) {
        const sameUser = fresh.user.id === sessionUserId;
        setSession(fresh);
        for (const listener of [...changedListeners]) listener(fresh);
        if (sameUser) return request(method, path, body, { ...options, retried: true });
      }
    }
    throw error;
  }
  return envelope;
}

/** `data` of a single-object answer. */
export async function getData<T>(path: string): Promise<T> {
  return (await request('GET', path)).data as T;
}

/** One page of a list (cursor pagination, newest first). */
export async function getPage<T>(path: string, cursor: string | null, limit = 50, filters: Record<string, string> = {}): Promise<Page<T>> {
  const query = new URLSearchParams({ ...filters, limit: String(limit) });
  if (cursor) query.set('cursor', cursor);
  const envelope = await request('GET', `${path}?${query.toString()}`);
  return { data: (envelope.data as T[]) ?? [], pagination: envelope.pagination ?? { limit, next_cursor: null } };
}

export async function send<T>(method: Exclude<Method, 'GET'>, path: string, body?: unknown): Promise<T> {
  return (await request(method, path, body)).data as T;
}

/** `GET me/` (`{user, csrf_token}`) without announcing an expired session: the app is just finding out whether one exists. */
export async function currentSession(): Promise<SessionInfo | null> {
  try {
    return (await request('GET', 'me/', undefined, { quietAuth: true })).data as SessionInfo;
  } catch (error) {
    if (error instanceof ApiError && error.notAuthenticated) return null;
    throw error;
  }
}

export async function signIn(email: string, password: string): Promise<SessionInfo> {
  return (await request('POST', 'session/', { email, password }, { quietAuth: true })).data as SessionInfo;
}

export async function signOut(): Promise<void> {
  await request('DELETE', 'session/', undefined, { quietAuth: true });
}

/** The message to show for a failed request: the API's own message (admin.md §3: `Invalid email or password`, …). */
export function messageOf(error: unknown): string {
  if (error instanceof ApiError) {
    const fields = Object.entries(error.details).filter(([, v]) => Array.isArray(v) && v.length > 0);
    if (error.code === 'VALIDATION_ERROR' && fields.length > 0) return fields.map(([k, v]) => (k === 'non_field_errors' ? v.join(' ') : `${k}: ${v.join(' ')}`)).join(' ');
    return error.message;
  }
  return error instanceof Error ? error.message : String(error);
}
