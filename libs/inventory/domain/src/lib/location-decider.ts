import type { ApiError, LocationDto } from '@datamingle/contracts';
import { apiError, decideActivatableDeactivation, decideActivatableUpdate, err, ok, parseDatetime, type ActivatableEvent, type Result } from '@datamingle/kernel';
import type { CreateLocation, DeactivateLocation, LocationCommand, UpdateLocation } from './location-commands';
import { duplicateLocationError } from './location-errors';
import type { LocationChanges, LocationEvent } from './location-events';
import { LOCATION_MUTABLE_FIELDS } from './location-fields';

export interface LocationState {
  location: LocationDto | null;
}

export function initialLocationState(): LocationState {
  return { location: null };
}

function stamp(now: string): string {
  return parseDatetime(now) ?? now;
}

/** The location in the exact key order of locations.md §1. */
export function toLocationRepresentation(l: LocationDto): LocationDto {
  return {
    id: l.id,
    code: l.code,
    name: l.name,
    zone: l.zone,
    aisle: l.aisle,
    metadata: l.metadata,
    is_active: l.is_active,
    created_at: l.created_at,
    updated_at: l.updated_at,
  };
}

/** Applies one event. Unknown events leave the state unchanged. */
export function evolveLocation(state: LocationState, event: LocationEvent): LocationState {
  switch (event.type) {
    case 'LocationCreated':
      return { location: toLocationRepresentation(event.data) };
    case 'LocationUpdated':
      if (state.location === null) return state;
      return { location: { ...state.location, ...event.data.changes, updated_at: event.data.updated_at } };
    case 'LocationDeactivated':
    case 'LocationReactivated':
      if (state.location === null) return state;
      return { location: { ...state.location, is_active: event.data.is_active, updated_at: event.data.updated_at } };
    default:
      return state;
  }
}

export function foldLocation(events: readonly LocationEvent[], state: LocationState = initialLocationState()): LocationState {
  return events.reduce(evolveLocation, state);
}

function decideCreate(command: CreateLocation, state: LocationState): Result<LocationEvent[], ApiError> {
  if (state.location !== null) return err(duplicateLocationError());
  const { input, locationId } = command.data;
  const now = stamp(command.data.now);
  return ok([
    {
      type: 'LocationCreated',
      data: {
        id: locationId,
        code: input.code,
        name: input.name,
        zone: input.zone,
        aisle: input.aisle,
        metadata: input.metadata,
        is_active: input.is_active,
        created_at: now,
        updated_at: now,
      },
    },
  ]);
}

const LOCATION_EVENT_TYPES = { updated: 'LocationUpdated', reactivated: 'LocationReactivated', deactivated: 'LocationDeactivated' } as const;

function named(events: ActivatableEvent<LocationChanges>[]): LocationEvent[] {
  return events.map((e) => ({ type: LOCATION_EVENT_TYPES[e.kind], data: e.data }) as LocationEvent);
}

function decideUpdate(command: UpdateLocation, state: LocationState): Result<LocationEvent[], ApiError> {
  const location = state.location;
  if (location === null) return err(apiError('NOT_FOUND', 'Location not found.'));
  return ok(named(decideActivatableUpdate(location, command.data.input, LOCATION_MUTABLE_FIELDS, ['metadata'], stamp(command.data.now))));
}

function decideDeactivate(command: DeactivateLocation, state: LocationState): Result<LocationEvent[], ApiError> {
  const location = state.location;
  if (location === null) return err(apiError('NOT_FOUND', 'Location not found.'));
  return ok(named(decideActivatableDeactivation(location, stamp(command.data.now))));
}

/** Decides which events a command produces; `[]` means nothing changes. */
export function decideLocation(command: LocationCommand, state: LocationState): Result<LocationEvent[], ApiError> {
  switch (command.type) {
    case 'CreateLocation':
      return decideCreate(command, state);
    case 'UpdateLocation':
      return decideUpdate(command, state);
    case 'DeactivateLocation':
      return decideDeactivate(command, state);
  }
}

/** The location of a state (locations.md §1); throws when it does not exist. */
export function locationRepresentation(state: LocationState): LocationDto {
  if (state.location === null) throw new Error('locationRepresentation: the location does not exist');
  return toLocationRepresentation(state.location);
}

export const locationDecider = {
  decide: decideLocation,
  evolve: evolveLocation,
  initialState: initialLocationState,
};
