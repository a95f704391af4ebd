/**
 * Field mappings and templates on the admin API (custom-integrations.md §2, §10; admin.md §4):
 * the representation, the input handling of create, replace, list filters and preview, and the
 * template objects. The save-time rules themselves are the mapping lib's (`validateMapping`);
 * this module decides what the admin API does around them:
 *
 * - `POST partners/{id}/mappings/`: the body of §2.3; `is_active` default `true`; `name` default
 *   `<partner name> – <resource>` (the partner's name, cut so that the whole fits 255 characters).
 * - `PUT mappings/{id}/`: a replacement of the rules (`identifier_field`, `field_map`,
 *   `nested_mappings`, `static_values`; absent → the §2.3 defaults). `resource` is required and
 *   immutable (another value → `{"resource": ["This field cannot be changed."]}`); `name` and
 *   `is_active`, when absent, keep their current values (activation has its own operations, and a
 *   replacement that forgot `is_active` must not switch a mapping on).
 * - On both, the read-only fields (`id`, `partner`, `created_at`, `updated_at`) are accepted and
 *   ignored, whatever their value (§2.3 `readOnly`), so that a representation can be sent back.
 * - A string (or key) holding U+0000 or an unpaired surrogate is refused at its path with
 *   `Not a valid string.`, like the integration API's strings: PostgreSQL cannot store it (text,
 *   and the jsonb of the audit event).
 */
import {
  compileMapping,
  findTemplate,
  isPlainObject,
  MAPPING_RESOURCES,
  setMember,
  previewMapping,
  TEMPLATES,
  templateMapping,
  validateMapping,
  type ForwardMethod,
  type MappingDefinition,
  type MappingPreview,
  type MappingResource,
  type MappingRules,
  type Template,
} from '@datamingle/mapping';
import { isValidApiString } from '@datamingle/kernel';
import type { FieldErrors } from './users';

/** The field mapping object (custom-integrations.md §2.1), in this key order. */
export interface MappingView {
  id: string;
  partner: string;
  resource: MappingResource;
  name: string;
  is_active: boolean;
  identifier_field: string | null;
  field_map: MappingRules['field_map'];
  nested_mappings: MappingRules['nested_mappings'];
  static_values: MappingRules['static_values'];
  created_at: string;
  updated_at: string;
}

/** A mapping to create. `name: null` → `<partner name> – <resource>` ({@link defaultMappingName}). */
export interface NewMapping {
  resource: MappingResource;
  name: string | null;
  isActive: boolean;
  rules: MappingRules;
}

/** A replacement of a mapping's rules; an absent `name` or `isActive` keeps the current value. */
export interface MappingReplacement {
  name?: string;
  isActive?: boolean;
  rules: MappingRules;
}

export interface MappingFilters {
  resource?: MappingResource;
  isActive?: boolean;
}

/** The resources a mapping may belong to (custom-integrations.md §2.2). */
export const MAPPING_RESOURCE_NAMES: readonly MappingResource[] = MAPPING_RESOURCES;

export const MAPPING_MESSAGES = {
  cannotChange: 'This field cannot be changed.',
  invalidString: 'Not a valid string.',
  previewSourceMissing: 'Provide "mapping" (a mapping object) or "mapping_id".',
  previewSourceBoth: 'Provide either "mapping" or "mapping_id", not both.',
} as const;

const MAX_NAME_LENGTH = 255;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const FORWARD_METHODS: readonly ForwardMethod[] = ['POST', 'PUT', 'DELETE'];

type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

/** Adds a message at `path` — an own member even for paths such as `__proto__` (keys of the body). */
function addError(errors: FieldErrors, path: string, message: string): void {
  const list = Object.prototype.hasOwnProperty.call(errors, path) ? errors[path] : undefined;
  if (list === undefined) setMember(errors, path, [message]);
  else if (!list.includes(message)) list.push(message);
}

/** `<partner name> – <resource>` (the separator of the template names, §10.2), the partner's name cut to fit 255 characters. */
export function defaultMappingName(partnerName: string, resource: MappingResource): string {
  const suffix = ` \u2013 ${resource}`;
  return [...partnerName].slice(0, MAX_NAME_LENGTH - suffix.length).join('') + suffix;
}

/** Strings PostgreSQL cannot store (U+0000 anywhere; an unpaired surrogate in the jsonb of the audit event), at their paths. */
function collectInvalidStrings(value: unknown, path: string, errors: FieldErrors): void {
  if (typeof value === 'string') {
    if (!isValidApiString(value)) addError(errors, path, MAPPING_MESSAGES.invalidString);
  } else if (Array.isArray(value)) {
    value.forEach((v, i) => collectInvalidStrings(v, `${path}[${i}]`, errors));
  } else if (isPlainObject(value)) {
    for (const key of Object.keys(value)) {
      if (!isValidApiString(key)) addError(errors, `${path}.${key}`, MAPPING_MESSAGES.invalidString);
      else collectInvalidStrings(value[key], `${path}.${key}`, errors);
    }
  }
}

/** The invalid strings of a body (a key of the body itself: `non_field_errors`). */
function invalidStringErrors(body: Record<string, unknown>): FieldErrors {
  const errors: FieldErrors = {};
  for (const key of Object.keys(body)) {
    if (!isValidApiString(key)) addError(errors, 'non_field_errors', MAPPING_MESSAGES.invalidString);
    else collectInvalidStrings(body[key], key, errors);
  }
  return errors;
}

const rulesOf = (d: MappingDefinition): MappingRules => ({
  identifier_field: d.identifier_field,
  field_map: d.field_map,
  nested_mappings: d.nested_mappings,
  static_values: d.static_values,
});

const has = (body: Record<string, unknown>, key: string) => Object.prototype.hasOwnProperty.call(body, key) && body[key] !== undefined;

/** `POST partners/{id}/mappings/`: the save-time validation of §2.3/§2.4, with the defaults above. */
export function validateMappingCreate(body: Record<string, unknown>): Validated<NewMapping> {
  const strings = invalidStringErrors(body);
  if (Object.keys(strings).length > 0) return { ok: false, errors: strings };
  const v = validateMapping(body);
  if (!v.ok) return { ok: false, errors: v.error as FieldErrors };
  return { ok: true, value: { resource: v.value.resource, name: v.value.name ?? null, isActive: v.value.is_active ?? true, rules: rulesOf(v.value) } };
}

/** `PUT mappings/{id}/` of `current`: the same validation; `resource` must stay; see the module comment for `name` and `is_active`. */
export function validateMappingReplace(body: Record<string, unknown>, current: { resource: MappingResource }): Validated<MappingReplacement> {
  const strings = invalidStringErrors(body);
  if (Object.keys(strings).length > 0) return { ok: false, errors: strings };
  const changesResource = typeof body['resource'] === 'string' && body['resource'] !== current.resource;
  // Another resource is refused; the rules are judged against the mapping's own resource meanwhile.
  const v = validateMapping(changesResource ? { ...body, resource: current.resource } : body);
  const errors: FieldErrors = v.ok ? {} : { ...(v.error as FieldErrors) };
  if (changesResource) errors['resource'] = [MAPPING_MESSAGES.cannotChange];
  if (!v.ok || changesResource) return { ok: false, errors };
  const replacement: MappingReplacement = { rules: rulesOf(v.value) };
  if (has(body, 'name')) replacement.name = v.value.name!;
  if (has(body, 'is_active')) replacement.isActive = v.value.is_active!;
  return { ok: true, value: replacement };
}

/** The `resource` and `is_active` filters of `GET partners/{id}/mappings/` (absent or empty: no filter). */
export function mappingFilters(query: Record<string, string>, errors: FieldErrors): MappingFilters {
  const filters: MappingFilters = {};
  const resource = query['resource'];
  if (resource !== undefined && resource !== '') {
    if ((MAPPING_RESOURCES as readonly string[]).includes(resource)) filters.resource = resource as MappingResource;
    else addError(errors, 'resource', `"${[...resource].slice(0, 200).join('')}" is not a valid choice.`);
  }
  const active = query['is_active'];
  if (active !== undefined && active !== '') {
    if (active === 'true' || active === 'false') filters.isActive = active === 'true';
    else addError(errors, 'is_active', 'Must be a valid boolean.');
  }
  return filters;
}

/** The mappings a partner created from template `slug` gets (§10.2): one active mapping per resource of the template, in its order; none for `custom`. */
export function partnerTemplateMappings(slug: string): NewMapping[] {
  const template = findTemplate(slug);
  if (template === undefined) return [];
  return template.resources.flatMap((resource) => {
    const m = templateMapping(slug, resource);
    return m === undefined ? [] : [{ resource, name: m.name ?? null, isActive: true, rules: rulesOf(m) }];
  });
}

// ---- templates (§10.1) ----

export type TemplateView = Template;

function templateView(t: Template): TemplateView {
  // A plain copy (the lib's templates are frozen), in the key order of §10.1.
  return JSON.parse(
    JSON.stringify({ slug: t.slug, name: t.name, version: t.version, resources: t.resources, default_identifier_field: t.default_identifier_field, mappings: t.mappings }),
  ) as TemplateView;
}

/** The shipped templates, in the order of the §10.1 table. */
export const TEMPLATE_VIEWS: readonly TemplateView[] = TEMPLATES.map(templateView);

export function templateBySlug(slug: string): TemplateView | undefined {
  return TEMPLATE_VIEWS.find((t) => t.slug === slug);
}

// ---- preview ----

export interface PreviewInput {
  /** An inline mapping (validated, stored form) or the id of a stored one. */
  source: { mapping: MappingDefinition } | { mappingId: string };
  method: ForwardMethod;
  payload: Record<string, unknown>;
}

/**
 * `POST mappings/preview/`: `mapping` (an inline mapping object, validated like a save; its errors
 * under `mapping.`, its whole-object errors at `mapping`) or `mapping_id` (exactly one; `null`
 * counts as absent); `method` `POST`, `PUT` or `DELETE` (default `POST`); `payload` a JSON object.
 */
export function validatePreview(body: Record<string, unknown>): Validated<PreviewInput> {
  const errors: FieldErrors = {};
  const mapping = body['mapping'];
  const mappingId = body['mapping_id'];
  const hasMapping = mapping !== undefined && mapping !== null;
  const hasId = mappingId !== undefined && mappingId !== null;
  let source: PreviewInput['source'] | undefined;
  if (hasMapping && hasId) addError(errors, 'non_field_errors', MAPPING_MESSAGES.previewSourceBoth);
  else if (!hasMapping && !hasId) addError(errors, 'non_field_errors', MAPPING_MESSAGES.previewSourceMissing);
  else if (hasId) {
    if (typeof mappingId === 'string' && UUID.test(mappingId)) source = { mappingId: mappingId.toLowerCase() };
    else addError(errors, 'mapping_id', 'Must be a valid UUID.');
  } else {
    const v = validateMapping(mapping);
    if (v.ok) source = { mapping: v.value };
    else for (const [path, messages] of Object.entries(v.error)) for (const m of messages) addError(errors, path === 'non_field_errors' ? 'mapping' : `mapping.${path}`, m);
  }
  let method: ForwardMethod = 'POST';
  const m = body['method'];
  if (m !== undefined) {
    if (typeof m !== 'string') addError(errors, 'method', m === null ? 'This field may not be null.' : 'Not a valid string.');
    else if (!(FORWARD_METHODS as readonly string[]).includes(m)) addError(errors, 'method', `"${[...m].slice(0, 100).join('')}" is not a valid choice.`);
    else method = m as ForwardMethod;
  }
  const payload = body['payload'];
  if (payload === undefined) addError(errors, 'payload', 'This field is required.');
  else if (!isPlainObject(payload)) addError(errors, 'payload', 'Expected a JSON object.');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { source: source!, method, payload: payload as Record<string, unknown> } };
}

/** The stored form of a mapping the engine compiles (its rules and resource). */
export function mappingDefinition(view: Pick<MappingView, 'resource' | 'identifier_field' | 'field_map' | 'nested_mappings' | 'static_values'>): MappingDefinition {
  return { resource: view.resource, identifier_field: view.identifier_field, field_map: view.field_map, nested_mappings: view.nested_mappings, static_values: view.static_values };
}

/** Runs the forward mapping on the payload: `{mapped_payload, errors}` (the `MAPPING_ERROR` details, or `{}`). Stores and sends nothing. */
export function runPreview(definition: MappingDefinition, method: ForwardMethod, payload: Record<string, unknown>): MappingPreview {
  return previewMapping(compileMapping(definition), method, payload);
}
