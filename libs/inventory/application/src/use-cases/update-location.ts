import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeDocument, Clock } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { validateUpdateLocation } from '@datamingle/inventory-domain';
import { UpdateLocationCommand } from '../commands';
import { LocationReadModel } from '../ports';
import { LOCATIONS } from './location-records';

/** PATCH /locations/{code}: 200 with the location; 404; 422 for an invalid body. */
@CommandHandler(UpdateLocationCommand)
export class UpdateLocationHandler implements ICommandHandler<UpdateLocationCommand> {
  constructor(
    readonly store: EventStore,
    readonly readModel: LocationReadModel,
    readonly clock: Clock,
  ) {}

  execute({ request }: UpdateLocationCommand): Promise<ServiceReply> {
    return changeDocument(LOCATIONS, this, request, (location) => {
      const validated = validateUpdateLocation(request.body, location);
      return validated.ok ? { ok: true, value: (now) => ({ type: 'UpdateLocation' as const, data: { input: validated.value, now } }) } : validated;
    });
  }
}
