import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { changeDocument, Clock } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { DeactivateLocationCommand } from '../commands';
import { LocationReadModel } from '../ports';
import { LOCATIONS } from './location-records';

/** DELETE /locations/{code}: 200 with the deactivated location (again for an inactive one); 404. */
@CommandHandler(DeactivateLocationCommand)
export class DeactivateLocationHandler implements ICommandHandler<DeactivateLocationCommand> {
  constructor(
    readonly store: EventStore,
    readonly readModel: LocationReadModel,
    readonly clock: Clock,
  ) {}

  execute({ request }: DeactivateLocationCommand): Promise<ServiceReply> {
    return changeDocument(LOCATIONS, this, request, () => ({ ok: true, value: (now) => ({ type: 'DeactivateLocation', data: { now } }) }));
  }
}
