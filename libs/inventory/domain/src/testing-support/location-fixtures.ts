/**
 * Location fixtures for the inventory specs: the example location of locations.md as validated
 * input and as the created location. Each builder returns a fresh object; `overrides` replace
 * whole top-level fields. Test support only (excluded from the lib build).
 */
import type { LocationDto } from '@datamingle/contracts';
import type { CreateLocationInput } from '../lib/validate-location';

export const LOCATION_ID = '2d4e6f80-1a3c-4e5f-9b7d-0c2e4f6a8b0c';
/** When the example location was created. */
export const LOCATION_CREATED_AT = '2026-04-16T08:00:00Z';

/** The example create body once validated. */
export const aLocationInput = (overrides: Partial<CreateLocationInput> = {}): CreateLocationInput => ({
  code: 'A-101',
  name: 'Aisle A, Shelf 101',
  zone: 'A',
  aisle: '1',
  metadata: { temperature: 'ambient' },
  is_active: true,
  ...overrides,
});

/** The location created from that input (LOCATION_ID, at LOCATION_CREATED_AT). */
export const aLocationDto = (overrides: Partial<LocationDto> = {}): LocationDto => ({
  id: LOCATION_ID,
  ...aLocationInput(),
  created_at: LOCATION_CREATED_AT,
  updated_at: LOCATION_CREATED_AT,
  ...overrides,
});
