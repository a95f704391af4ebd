/**
 * Partners on the admin API (custom-integrations.md §1): representation, the templates a partner
 * may be created from, and the validation of create and update bodies.
 */
import { isValidApiString } from '@datamingle/kernel';
import { TEMPLATES } from '@datamingle/mapping';
import { addError, charLength, type FieldErrors } from './users';

/** custom-integrations.md §1.1. */
export interface PartnerView {
  id: string;
  name: string;
  template: string;
  default_identifier_field: string | null;
  created_at: string;
  updated_at: string;
}

export interface PartnerTemplateRef {
  slug: string;
  name: string;
  /** The template's `default_identifier_field` (custom-integrations.md §10.4), copied unless the request sets one. */
  defaultIdentifierField: string | null;
}

/**
 * The shipped templates (custom-integrations.md §10.1): slug, name and default identifier field,
 * from the mapping lib's `TEMPLATES` (it owns the templates and their mappings). The mappings a
 * new partner gets from its template are `partnerTemplateMappings` (mappings.ts), inserted by the
 * store in the partner's transaction.
 */
export const PARTNER_TEMPLATES: readonly PartnerTemplateRef[] = TEMPLATES.map((t) => ({ slug: t.slug, name: t.name, defaultIdentifierField: t.default_identifier_field }));

export const PARTNER_TEMPLATE_SLUGS: readonly string[] = PARTNER_TEMPLATES.map((t) => t.slug);
/** A partner started from scratch (no `template` in the request). */
export const DEFAULT_PARTNER_TEMPLATE = 'custom';
export const IDENTIFIER_FIELD_PATTERN = /^[a-z][a-z0-9_]*$/;
export const IDENTIFIER_FIELD_MAX_LENGTH = 100;

export const PARTNER_MESSAGES = {
  duplicateName: 'A partner with this name already exists.',
  inUse: 'This partner cannot be deleted while API keys are linked to it. Delete its keys first.',
  keyPartnerMissing: (id: string) => `Invalid pk "${[...id].slice(0, 100).join('')}" - object does not exist.`,
} as const;

export interface PartnerCreateInput {
  name: string;
  template: string;
  defaultIdentifierField: string | null;
}

export interface PartnerUpdateInput {
  name?: string;
  defaultIdentifierField?: string | null;
}

type Validated<T> = { ok: true; value: T } | { ok: false; errors: FieldErrors };

function nameField(errors: FieldErrors, value: unknown): string | undefined {
  if (value === null) return void addError(errors, 'name', 'This field may not be null.');
  // U+0000 and unpaired surrogates cannot be stored (text, and the jsonb of the audit event).
  if (typeof value !== 'string' || !isValidApiString(value)) return void addError(errors, 'name', 'Not a valid string.');
  const trimmed = value.trim();
  if (trimmed === '') return void addError(errors, 'name', 'This field may not be blank.');
  if (charLength(trimmed) > 255) return void addError(errors, 'name', 'Ensure this field has no more than 255 characters.');
  return trimmed;
}

function identifierField(errors: FieldErrors, value: unknown): string | null | undefined {
  const path = 'default_identifier_field';
  if (value === null) return null;
  if (typeof value !== 'string') return void addError(errors, path, 'Not a valid string.');
  if (value === '') return void addError(errors, path, 'This field may not be blank.');
  if (charLength(value) > IDENTIFIER_FIELD_MAX_LENGTH) return void addError(errors, path, `Ensure this field has no more than ${IDENTIFIER_FIELD_MAX_LENGTH} characters.`);
  if (!IDENTIFIER_FIELD_PATTERN.test(value)) return void addError(errors, path, 'Enter a valid field name: a lower-case letter, then lower-case letters, digits or _.');
  return value;
}

/** The template of a slug, or undefined. */
export function partnerTemplate(slug: string): PartnerTemplateRef | undefined {
  return PARTNER_TEMPLATES.find((t) => t.slug === slug);
}

function templateField(errors: FieldErrors, value: unknown): PartnerTemplateRef | undefined {
  if (value === null) return void addError(errors, 'template', 'This field may not be null.');
  if (typeof value !== 'string') return void addError(errors, 'template', 'Not a valid string.');
  const t = partnerTemplate(value);
  if (!t) return void addError(errors, 'template', `"${[...value].slice(0, 100).join('')}" is not a valid choice.`);
  return t;
}

/** `POST partners/`: `name` required; `template` default `custom`; `default_identifier_field` default the template's. */
export function validatePartnerCreate(body: Record<string, unknown>): Validated<PartnerCreateInput> {
  const errors: FieldErrors = {};
  const name = body['name'] === undefined ? void addError(errors, 'name', 'This field is required.') : nameField(errors, body['name']);
  const template = body['template'] === undefined ? partnerTemplate(DEFAULT_PARTNER_TEMPLATE) : templateField(errors, body['template']);
  const idField = body['default_identifier_field'] === undefined ? undefined : identifierField(errors, body['default_identifier_field']);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: { name: name!, template: template!.slug, defaultIdentifierField: body['default_identifier_field'] === undefined ? template!.defaultIdentifierField : (idField ?? null) },
  };
}

/** `PATCH partners/{id}/`: `name`, `default_identifier_field`; `template` cannot change. */
export function validatePartnerUpdate(body: Record<string, unknown>): Validated<PartnerUpdateInput> {
  const errors: FieldErrors = {};
  const patch: PartnerUpdateInput = {};
  if (body['name'] !== undefined) patch.name = nameField(errors, body['name']);
  if (body['default_identifier_field'] !== undefined) patch.defaultIdentifierField = identifierField(errors, body['default_identifier_field']);
  if (body['template'] !== undefined) addError(errors, 'template', 'This field cannot be changed.');
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: patch };
}
