/**
 * The admin API's route table (admin.md §4, the resources this version serves), relative to
 * `/api/admin/v1/`. Trailing slash optional; `{id}` is a UUID (anything else names no record),
 * `{slug}` a template slug (letters, digits, `-` and `_`; an unknown one is the handler's 404).
 */

export const ADMIN_BASE_PATH = '/api/admin/v1';
export const ADMIN_OPENAPI_PATH = `${ADMIN_BASE_PATH}/openapi.json`;

export type AdminOperation =
  | 'signIn'
  | 'signOut'
  | 'me'
  | 'changePassword'
  | 'listKeys'
  | 'createKey'
  | 'getKey'
  | 'updateKey'
  | 'deleteKey'
  | 'rotateKey'
  | 'listPartners'
  | 'createPartner'
  | 'getPartner'
  | 'updatePartner'
  | 'deletePartner'
  | 'listMappings'
  | 'createMapping'
  | 'getMapping'
  | 'replaceMapping'
  | 'deleteMapping'
  | 'activateMapping'
  | 'deactivateMapping'
  | 'previewMapping'
  | 'listTemplates'
  | 'getTemplate'
  | 'getSettings'
  | 'updateSettings'
  | 'listUsers'
  | 'createUser'
  | 'getUser'
  | 'updateUser'
  | 'deleteUser'
  | 'listSecurityEvents'
  | 'listAuditEvents'
  | 'listIntegrationLogs'
  | 'getIntegrationLog';

export type AdminMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface AdminRoute {
  /** e.g. `api-keys/{id}/rotate/` */
  path: string;
  methods: Partial<Record<AdminMethod, AdminOperation>>;
}

export const ADMIN_ROUTES: readonly AdminRoute[] = [
  { path: 'session/', methods: { POST: 'signIn', DELETE: 'signOut' } },
  { path: 'me/', methods: { GET: 'me' } },
  { path: 'me/password/', methods: { POST: 'changePassword' } },
  { path: 'api-keys/', methods: { GET: 'listKeys', POST: 'createKey' } },
  { path: 'api-keys/{id}/', methods: { GET: 'getKey', PATCH: 'updateKey', DELETE: 'deleteKey' } },
  { path: 'api-keys/{id}/rotate/', methods: { POST: 'rotateKey' } },
  { path: 'partners/', methods: { GET: 'listPartners', POST: 'createPartner' } },
  { path: 'partners/{id}/', methods: { GET: 'getPartner', PATCH: 'updatePartner', DELETE: 'deletePartner' } },
  { path: 'partners/{id}/mappings/', methods: { GET: 'listMappings', POST: 'createMapping' } },
  { path: 'mappings/preview/', methods: { POST: 'previewMapping' } },
  { path: 'mappings/{id}/', methods: { GET: 'getMapping', PUT: 'replaceMapping', DELETE: 'deleteMapping' } },
  { path: 'mappings/{id}/activate/', methods: { POST: 'activateMapping' } },
  { path: 'mappings/{id}/deactivate/', methods: { POST: 'deactivateMapping' } },
  { path: 'templates/', methods: { GET: 'listTemplates' } },
  { path: 'templates/{slug}/', methods: { GET: 'getTemplate' } },
  { path: 'settings/', methods: { GET: 'getSettings', PATCH: 'updateSettings' } },
  { path: 'users/', methods: { GET: 'listUsers', POST: 'createUser' } },
  { path: 'users/{id}/', methods: { GET: 'getUser', PATCH: 'updateUser', DELETE: 'deleteUser' } },
  { path: 'security-events/', methods: { GET: 'listSecurityEvents' } },
  { path: 'audit-events/', methods: { GET: 'listAuditEvents' } },
  { path: 'integration-logs/', methods: { GET: 'listIntegrationLogs' } },
  { path: 'integration-logs/{id}/', methods: { GET: 'getIntegrationLog' } },
];

/**
 * Operations a `viewer` may run besides reading: its own password and signing out (admin.md §2),
 * and the mapping preview — a `POST` that stores, sends and changes nothing (admin.md §4), so
 * it is a read in all but method (it still needs the CSRF token, like every `POST`).
 */
const VIEWER_WRITES: ReadonlySet<AdminOperation> = new Set(['changePassword', 'signOut', 'previewMapping']);

export const UNSAFE_METHODS: ReadonlySet<string> = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** Whether `role` may run `op` (reads are everyone's; writes are the admin's, except the viewer's own). */
export function roleAllows(role: 'admin' | 'viewer', op: AdminOperation, method: string): boolean {
  if (role === 'admin') return true;
  return !UNSAFE_METHODS.has(method) || VIEWER_WRITES.has(op);
}

/** The methods of a route as `Allow` lists them: GET brings HEAD; OPTIONS always. */
export function allowedMethods(route: AdminRoute): string[] {
  const methods = Object.keys(route.methods);
  const out = new Set<string>();
  for (const m of ['GET', 'HEAD', 'OPTIONS', 'PATCH', 'POST', 'PUT', 'DELETE']) {
    if (m === 'HEAD' ? methods.includes('GET') : m === 'OPTIONS' || methods.includes(m)) out.add(m);
  }
  return [...out];
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const SLUG = /^[A-Za-z0-9_-]{1,100}$/;

/** `id`: the path parameter — a UUID (lower-cased) for `{id}`, the slug as sent for `{slug}`. */
export type AdminRouteMatch = { type: 'openapi' } | { type: 'route'; route: AdminRoute; id: string | null } | { type: 'not_found' };

export function isAdminPath(rawUrl: string): boolean {
  const path = rawUrl.split('?', 1)[0]!;
  return path === ADMIN_BASE_PATH || path.startsWith(`${ADMIN_BASE_PATH}/`);
}

/** Matches a raw path (without query) against the table. */
export function matchAdminRoute(path: string): AdminRouteMatch {
  if (path === ADMIN_OPENAPI_PATH) return { type: 'openapi' };
  if (!path.startsWith(`${ADMIN_BASE_PATH}/`)) return { type: 'not_found' };
  let rest = path.slice(ADMIN_BASE_PATH.length + 1);
  if (rest === '') return { type: 'not_found' };
  if (!rest.endsWith('/')) rest += '/';
  const segments = rest.slice(0, -1).split('/');
  for (const route of ADMIN_ROUTES) {
    const pattern = route.path.slice(0, -1).split('/');
    if (pattern.length !== segments.length) continue;
    let id: string | null = null;
    let matched = true;
    for (let i = 0; i < pattern.length; i++) {
      if (pattern[i] === '{id}') {
        if (!UUID.test(segments[i]!)) {
          matched = false;
          break;
        }
        id = segments[i]!.toLowerCase();
      } else if (pattern[i] === '{slug}') {
        if (!SLUG.test(segments[i]!)) {
          matched = false;
          break;
        }
        id = segments[i]!;
      } else if (pattern[i] !== segments[i]) {
        matched = false;
        break;
      }
    }
    if (matched) return { type: 'route', route, id };
  }
  return { type: 'not_found' };
}
