/**
 * Reading the integration logs on the admin API (integration-logs.md §5, admin.md §4):
 * `GET integration-logs/` lists a tenant's entries newest first without the three payload
 * fields, filtered by the query parameters below; `GET integration-logs/{id}/` is the whole
 * entry (§2). Both are reads: admins and viewers (admin.md §2 lists logs among what a viewer may
 * read; integration-logs.md §5's "tenant administrators" are the tenant's dashboard users, as
 * opposed to integration callers and other tenants).
 */
import { parseInstant } from '@datamingle/kernel';
import type { IntegrationLogStatus, LogAction, LogResource } from '../limits-and-logs';
import type { FieldErrors } from './users';

export const LOG_RESOURCES: readonly LogResource[] = ['order', 'product', 'location', 'inventory'];
export const LOG_ACTIONS: readonly LogAction[] = ['create', 'list', 'read', 'update', 'delete', 'options'];
export const LOG_STATUSES: readonly IntegrationLogStatus[] = ['success', 'validation_error', 'service_error', 'not_found', 'mapping_error', 'error'];

/** Longest `request_id` / `identifier` filter value (longer ones cannot match anything stored usefully). */
export const LOG_TEXT_FILTER_MAX = 1024;

/** Validated filters of the list (all optional, combined with AND). */
export interface IntegrationLogFilters {
  /** A partner id, or `null` for entries without a partner (pass-through keys). */
  partner?: string | null;
  apiKey?: string;
  resource?: LogResource;
  action?: LogAction;
  status?: IntegrationLogStatus;
  httpStatus?: number;
  requestId?: string;
  identifier?: string;
  internalId?: string;
  /** ISO 8601 UTC; `created_at >= createdAfter`. */
  createdAfter?: string;
  /** ISO 8601 UTC; `created_at < createdBefore`. */
  createdBefore?: string;
}

/** An entry in the list: every field of integration-logs.md §2 except the three payloads. */
export interface IntegrationLogSummary {
  id: string;
  created_at: string;
  request_id: string;
  partner: { id: string; name: string } | null;
  api_key: { id: string; name: string };
  resource: LogResource | null;
  action: LogAction | null;
  identifier: string | null;
  method: string;
  path: string;
  query_string: string;
  http_status: number;
  status: IntegrationLogStatus;
  error_code: string | null;
  error_message: string | null;
  internal_id: string | null;
  duration_ms: number;
  shortened_fields: string[];
}

const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATETIME_MESSAGE = 'Datetime has wrong format. Use ISO 8601, e.g. 2026-05-01T00:00:00Z.';
const shown = (v: string) => [...v].slice(0, 200).join('');

/** Whether `v` can be stored and compared as PostgreSQL text (no U+0000, no unpaired surrogate). */
function isStorableText(v: string): boolean {
  return !/\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(v);
}

/**
 * The list's filters from the query (absent or empty parameters are no filter); each invalid one
 * adds its message under its own name to `errors` (400 VALIDATION_ERROR, like security-events/).
 */
export function integrationLogFilters(query: Record<string, string>, errors: FieldErrors): IntegrationLogFilters {
  const filters: IntegrationLogFilters = {};
  const given = (name: string): string | undefined => {
    const v = query[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const uuid = (name: string): string | undefined => {
    const v = given(name);
    if (v === undefined) return undefined;
    if (UUID.test(v)) return v.toLowerCase();
    errors[name] = ['Must be a valid UUID.'];
    return undefined;
  };
  const choice = <T extends string>(name: string, choices: readonly T[]): T | undefined => {
    const v = given(name);
    if (v === undefined) return undefined;
    if ((choices as readonly string[]).includes(v)) return v as T;
    errors[name] = [`"${shown(v)}" is not a valid choice.`];
    return undefined;
  };
  const text = (name: string): string | undefined => {
    const v = given(name);
    if (v === undefined) return undefined;
    if (!isStorableText(v)) errors[name] = ['Not a valid string.'];
    else if (v.length > LOG_TEXT_FILTER_MAX) errors[name] = [`Ensure this field has no more than ${LOG_TEXT_FILTER_MAX} characters.`];
    else return v;
    return undefined;
  };
  const datetime = (name: string): string | undefined => {
    const v = given(name);
    if (v === undefined) return undefined;
    if (parseInstant(v) === null || Number.isNaN(new Date(v).getTime())) {
      errors[name] = [DATETIME_MESSAGE];
      return undefined;
    }
    return new Date(v).toISOString();
  };

  const partner = given('partner');
  if (partner === 'null') filters.partner = null;
  else {
    const p = uuid('partner');
    if (p !== undefined) filters.partner = p;
  }
  const apiKey = uuid('api_key');
  if (apiKey !== undefined) filters.apiKey = apiKey;
  const resource = choice('resource', LOG_RESOURCES);
  if (resource !== undefined) filters.resource = resource;
  const action = choice('action', LOG_ACTIONS);
  if (action !== undefined) filters.action = action;
  const status = choice('status', LOG_STATUSES);
  if (status !== undefined) filters.status = status;
  const httpStatus = given('http_status');
  if (httpStatus !== undefined) {
    if (/^[1-5][0-9]{2}$/.test(httpStatus)) filters.httpStatus = Number(httpStatus);
    else errors['http_status'] = ['A valid HTTP status code (100-599) is required.'];
  }
  const requestId = text('request_id');
  if (requestId !== undefined) filters.requestId = requestId;
  const identifier = text('identifier');
  if (identifier !== undefined) filters.identifier = identifier;
  const internalId = uuid('internal_id');
  if (internalId !== undefined) filters.internalId = internalId;
  const after = datetime('created_after');
  if (after !== undefined) filters.createdAfter = after;
  const before = datetime('created_before');
  if (before !== undefined) filters.createdBefore = before;
  return filters;
}
