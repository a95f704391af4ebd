import type { CreateLocationInput, UpdateLocationInput } from './validate-location';

export interface CreateLocation {
  type: 'CreateLocation';
  data: { input: CreateLocationInput; locationId: string; now: string };
}

export interface UpdateLocation {
  type: 'UpdateLocation';
  data: { input: UpdateLocationInput; now: string };
}

/** `DELETE /locations/{identifier}/`. */
export interface DeactivateLocation {
  type: 'DeactivateLocation';
  data: { now: string };
}

export type LocationCommand = CreateLocation | UpdateLocation | DeactivateLocation;
