import { deciderSpec } from '@datamingle/testing/decider-spec';
import type { ApiError, LocationDto } from '@datamingle/contracts';
import type { LocationCommand } from './location-commands';
import {
  decideLocation,
  evolveLocation,
  foldLocation,
  initialLocationState,
  locationDecider,
  locationRepresentation,
  toLocationRepresentation,
} from './location-decider';
import type { LocationEvent } from './location-events';
import { aLocationDto, aLocationInput, LOCATION_CREATED_AT, LOCATION_ID } from '../testing-support/location-fixtures';
import type { UpdateLocationInput } from './validate-location';

const ID = LOCATION_ID;
const T0 = LOCATION_CREATED_AT;
const T1 = '2026-04-17T07:45:10Z';
const T2 = '2026-04-17T09:02:55Z';

const input = aLocationInput();
const location = aLocationDto();
const created: LocationEvent = { type: 'LocationCreated', data: location };
const create: LocationCommand = { type: 'CreateLocation', data: { input, locationId: ID, now: T0 } };
const update = (fields: UpdateLocationInput, now = T1): LocationCommand => ({ type: 'UpdateLocation', data: { input: fields, now } });
const deactivate = (now = T2): LocationCommand => ({ type: 'DeactivateLocation', data: { now } });
const deactivated: LocationEvent = { type: 'LocationDeactivated', data: { is_active: false, updated_at: T1 } };

const { given } = deciderSpec(locationDecider);

describe('location decider', () => {
  describe('CreateLocation', () => {
    it('creates the location with created_at = updated_at = now', () => {
      given().when(create).then([created]);
    });

    it('normalises now to RFC 3339 UTC', () => {
      const s = given()
        .when({ type: 'CreateLocation', data: { input, locationId: ID, now: '2026-04-16T10:00:00+02:00' } })
        .thenState();
      expect(s.location?.created_at).toBe(T0);
      expect(s.location?.updated_at).toBe(T0);
    });

    it('renders in the exact key order of locations.md §1', () => {
      const l = locationRepresentation(given().when(create).thenState());
      expect(Object.keys(l)).toEqual(['id', 'code', 'name', 'zone', 'aisle', 'metadata', 'is_active', 'created_at', 'updated_at']);
      expect(l).toEqual(location);
      const shuffled = { updated_at: T0, is_active: true, metadata: {}, aisle: null, zone: null, name: null, code: 'B', id: ID, created_at: T0 };
      expect(Object.keys(toLocationRepresentation(shuffled))).toEqual(Object.keys(l));
      expect(JSON.stringify(l)).toBe(
        '{"id":"2d4e6f80-1a3c-4e5f-9b7d-0c2e4f6a8b0c","code":"A-101","name":"Aisle A, Shelf 101","zone":"A","aisle":"1",' +
          '"metadata":{"temperature":"ambient"},"is_active":true,"created_at":"2026-04-16T08:00:00Z","updated_at":"2026-04-16T08:00:00Z"}',
      );
    });

    it('creates an inactive location when asked to', () => {
      given()
        .when({ type: 'CreateLocation', data: { input: { ...input, is_active: false }, locationId: ID, now: T0 } })
        .then([{ type: 'LocationCreated', data: { ...location, is_active: false } }]);
    });

    it('fails with DUPLICATE when the location exists (also when inactive)', () => {
      const duplicate: ApiError = {
        code: 'DUPLICATE',
        message: 'code: A location with this code already exists.',
        details: { code: ['A location with this code already exists.'] },
      };
      given(created).when(create).thenFails(duplicate);
      given(created, deactivated).when(create).thenFails(duplicate);
    });
  });

  describe('UpdateLocation', () => {
    it('emits LocationUpdated with the changed fields only (spec example)', () => {
      given(created)
        .when(update({ name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2', aisle: '1' }))
        .then([{ type: 'LocationUpdated', data: { changes: { name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2' }, updated_at: T1 } }]);
      const s = given(created).when(update({ name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2' })).thenState();
      expect(locationRepresentation(s)).toEqual({ ...location, name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2', updated_at: T1 });
    });

    it('replaces metadata entirely', () => {
      const s = given(created).when(update({ metadata: { humidity: 'low' } })).thenState();
      expect(s.location?.metadata).toEqual({ humidity: 'low' });
      expect(s.location?.updated_at).toBe(T1);
    });

    it('clears fields with null and metadata with {}', () => {
      given(created)
        .when(update({ name: null, aisle: null, metadata: {} }))
        .then([{ type: 'LocationUpdated', data: { changes: { name: null, aisle: null, metadata: {} }, updated_at: T1 } }]);
    });

    it('is a no-op when nothing changes', () => {
      given(created).when(update({})).then([]);
      given(created)
        .when(update({ name: 'Aisle A, Shelf 101', zone: 'A', aisle: '1', metadata: { temperature: 'ambient' }, is_active: true }))
        .then([]);
    });

    it('emits LocationDeactivated when is_active is the only change to false', () => {
      given(created)
        .when(update({ is_active: false, zone: 'A' }))
        .then([{ type: 'LocationDeactivated', data: { is_active: false, updated_at: T1 } }]);
    });

    it('emits LocationReactivated when is_active is the only change to true', () => {
      given(created, deactivated)
        .when(update({ is_active: true }, T2))
        .then([{ type: 'LocationReactivated', data: { is_active: true, updated_at: T2 } }]);
    });

    it('emits LocationUpdated including is_active when other fields change too', () => {
      given(created)
        .when(update({ is_active: false, zone: null }))
        .then([{ type: 'LocationUpdated', data: { changes: { zone: null, is_active: false }, updated_at: T1 } }]);
    });

    it('fails when the location does not exist', () => {
      expect(decideLocation(update({ name: 'x' }), initialLocationState()).ok).toBe(false);
    });
  });

  describe('DeactivateLocation', () => {
    it('deactivates an active location', () => {
      given(created).when(deactivate()).then([{ type: 'LocationDeactivated', data: { is_active: false, updated_at: T2 } }]);
    });

    it('is a no-op on an inactive location (updated_at kept)', () => {
      given(created, deactivated).when(deactivate()).then([]);
    });

    it('leaves everything but is_active and updated_at unchanged', () => {
      const s = given(created).when(deactivate()).thenState();
      expect(locationRepresentation(s)).toEqual({ ...location, is_active: false, updated_at: T2 });
    });

    it('fails when the location does not exist', () => {
      expect(decideLocation(deactivate(), initialLocationState()).ok).toBe(false);
    });
  });

  describe('evolve', () => {
    it('folds a whole history', () => {
      const s = foldLocation([
        created,
        { type: 'LocationUpdated', data: { changes: { zone: 'B' }, updated_at: T1 } },
        { type: 'LocationDeactivated', data: { is_active: false, updated_at: T1 } },
        { type: 'LocationReactivated', data: { is_active: true, updated_at: T2 } },
      ]);
      expect(s.location).toEqual({ ...location, zone: 'B', is_active: true, updated_at: T2 });
    });

    it('ignores events before creation and unknown events', () => {
      const s = initialLocationState();
      expect(evolveLocation(s, deactivated)).toBe(s);
      expect(evolveLocation(s, { type: 'LocationUpdated', data: { changes: {}, updated_at: T1 } })).toBe(s);
      const st = foldLocation([created]);
      expect(evolveLocation(st, { type: 'Other', data: {} } as unknown as LocationEvent)).toBe(st);
    });

    it('exposes the decider as one value', () => {
      expect(locationDecider.initialState()).toEqual({ location: null });
      expect(locationDecider.decide).toBe(decideLocation);
      expect(locationDecider.evolve).toBe(evolveLocation);
      expect(() => locationRepresentation(initialLocationState())).toThrow();
    });
  });
});
