import { bool, jsonObject, str } from '@datamingle/kernel';

/** Limits of the location resource (locations.md §1–2, limits-and-versioning.md §1). */
export const LOCATION_LIMITS = {
  codeMax: 100,
  nameMax: 255,
  zoneMax: 100,
  aisleMax: 100,
  objectMaxBytes: 65536,
} as const;

/** Writable location fields other than `code`, in document order (locations.md §1). */
export const LOCATION_MUTABLE_FIELDS = ['name', 'zone', 'aisle', 'metadata', 'is_active'] as const;
export type LocationMutableField = (typeof LOCATION_MUTABLE_FIELDS)[number];

export const LocationFields = {
  code: str({ required: true, trim: true, max: LOCATION_LIMITS.codeMax }),
  name: str({ nullable: true, max: LOCATION_LIMITS.nameMax }),
  zone: str({ nullable: true, max: LOCATION_LIMITS.zoneMax }),
  aisle: str({ nullable: true, max: LOCATION_LIMITS.aisleMax }),
  metadata: jsonObject({ nullAsEmpty: true, maxBytes: LOCATION_LIMITS.objectMaxBytes }),
  isActive: bool(),
};
