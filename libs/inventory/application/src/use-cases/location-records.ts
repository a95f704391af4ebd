import type { KeyedDocuments } from '@datamingle/application';
import { EVENT_TYPES, type LocationDto } from '@datamingle/contracts';
import {
  duplicateLocationError,
  locationDecider,
  locationRepresentation,
  notFoundLocation,
  validateCreateLocation,
  type CreateLocationInput,
  type LocationCommand,
  type LocationEvent,
  type LocationState,
} from '@datamingle/inventory-domain';
import type { LocationReadModel } from '../ports';
import { locationStreamName } from '../streams';

/** Locations: one stream per location, named after its code, decided by locationDecider. */
export const LOCATIONS: KeyedDocuments<LocationReadModel, CreateLocationInput, LocationCommand, LocationState, LocationEvent, LocationDto> = {
  kind: { decider: locationDecider, representation: locationRepresentation, events: { source: 'inventory', aggregateType: 'location', schemaVersions: EVENT_TYPES.inventory } },
  streamName: locationStreamName,
  find: async (readModel, tenantId, code) => {
    const found = await readModel.findByCode(tenantId, code);
    return found && { doc: found.location, streamName: found.streamName };
  },
  notFound: notFoundLocation,
  duplicate: duplicateLocationError,
  validateCreate: validateCreateLocation,
  key: (input) => input.code,
  create: (input, locationId, now) => ({ type: 'CreateLocation', data: { input, locationId, now } }),
};
