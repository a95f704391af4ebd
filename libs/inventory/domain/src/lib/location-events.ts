import type { LocationDto } from '@datamingle/contracts';
import type { LocationMutableField } from './location-fields';

export type LocationChanges = Partial<Pick<LocationDto, LocationMutableField>>;

/** `data` is the full API representation of the new location (events.md). */
export interface LocationCreated {
  type: 'LocationCreated';
  data: LocationDto;
}

/** Every changed field (including `is_active` when it changed together with others). */
export interface LocationUpdated {
  type: 'LocationUpdated';
  data: { changes: LocationChanges; updated_at: string };
}

export interface LocationDeactivated {
  type: 'LocationDeactivated';
  data: { is_active: false; updated_at: string };
}

export interface LocationReactivated {
  type: 'LocationReactivated';
  data: { is_active: true; updated_at: string };
}

export type LocationEvent = LocationCreated | LocationUpdated | LocationDeactivated | LocationReactivated;
export type LocationEventTypeName = LocationEvent['type'];
