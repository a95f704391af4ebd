import type { LocationDto } from '@datamingle/contracts';
import { evolveLocation, locationRepresentation, type LocationEvent } from '@datamingle/inventory-domain';
import type { DocumentProjectionSpec } from '@datamingle/read-model';

export const LOCATION_COLUMNS = ['id', 'code', 'is_active', 'created_at', 'updated_at'];

/** The locations read model follows the `location` streams; each row holds the location's API representation. */
export const locationProjectionSpec: DocumentProjectionSpec<LocationDto> = {
  name: 'inventory.locations',
  table: 'inventory.locations',
  checkpointTable: 'inventory.projection_checkpoints',
  category: 'location',
  evolve(doc, event) {
    const state = evolveLocation({ location: doc }, event as LocationEvent);
    return state.location ? locationRepresentation(state) : null;
  },
  columns(doc) {
    return { id: doc.id, code: doc.code, is_active: doc.is_active, created_at: doc.created_at, updated_at: doc.updated_at };
  },
};
