import type { FieldErrors, LocationDto } from '@datamingle/contracts';
import { FieldErrorCollector, hasOwn, Messages, type Result } from '@datamingle/kernel';
import { LocationFields, type LocationMutableField } from './location-fields';

/** A validated create body with defaults applied. */
export interface CreateLocationInput {
  code: string;
  name: string | null;
  zone: string | null;
  aisle: string | null;
  metadata: Record<string, unknown>;
  is_active: boolean;
}

/** The fields present in a valid `PUT` body (absent fields are left out; `code` never included). */
export type UpdateLocationInput = Partial<Pick<LocationDto, LocationMutableField>>;

/** The trimmed `code` of a create body when it is valid (for the uniqueness check). */
export function extractLocationCode(body: Record<string, unknown>): string | undefined {
  const r = LocationFields.code(hasOwn(body, 'code') ? body['code'] : undefined);
  return r.ok ? r.value : undefined;
}

/**
 * Field validation of `POST /locations/` (locations.md §2), all errors in document order.
 * Code uniqueness is a business rule checked afterwards (`duplicateLocationError()`, 409).
 */
export function validateCreateLocation(body: Record<string, unknown>): Result<CreateLocationInput, FieldErrors> {
  const c = new FieldErrorCollector();
  const code = c.field(body, 'code', LocationFields.code);
  const name = c.field(body, 'name', LocationFields.name);
  const zone = c.field(body, 'zone', LocationFields.zone);
  const aisle = c.field(body, 'aisle', LocationFields.aisle);
  const metadata = c.field(body, 'metadata', LocationFields.metadata);
  const isActive = c.field(body, 'is_active', LocationFields.isActive);
  return c.finish(() => ({
    code,
    name: name ?? null,
    zone: zone ?? null,
    aisle: aisle ?? null,
    metadata: metadata ?? {},
    is_active: isActive ?? true,
  }));
}

/**
 * Field validation of `PUT /locations/{identifier}/` (locations.md §5): partial update; `code`
 * must equal the current value after trimming (`This field cannot be changed.`);
 * `metadata` replaces the whole object (`null` → `{}`); `null` clears `name`, `zone`, `aisle`.
 */
export function validateUpdateLocation(
  body: Record<string, unknown>,
  current: LocationDto,
): Result<UpdateLocationInput, FieldErrors> {
  const c = new FieldErrorCollector();
  if (hasOwn(body, 'code')) {
    const code = c.field(body, 'code', LocationFields.code);
    if (!c.has('code') && code !== current.code) c.add('code', Messages.immutable);
  }
  const name = c.field(body, 'name', LocationFields.name);
  const zone = c.field(body, 'zone', LocationFields.zone);
  const aisle = c.field(body, 'aisle', LocationFields.aisle);
  const metadata = c.field(body, 'metadata', LocationFields.metadata);
  const isActive = c.field(body, 'is_active', LocationFields.isActive);
  return c.finish(() => {
    const input: UpdateLocationInput = {};
    if (name !== undefined) input.name = name;
    if (zone !== undefined) input.zone = zone;
    if (aisle !== undefined) input.aisle = aisle;
    if (metadata !== undefined) input.metadata = metadata;
    if (isActive !== undefined) input.is_active = isActive;
    return input;
  });
}
