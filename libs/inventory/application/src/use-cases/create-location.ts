import { CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { Clock, createDocument } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { EventStore } from '@datamingle/event-store';
import { CreateLocationCommand } from '../commands';
import { LocationReadModel } from '../ports';
import { LOCATIONS } from './location-records';

/** POST /locations: 201 with the location; 422 for an invalid body; 409 DUPLICATE for a code the tenant has. */
@CommandHandler(CreateLocationCommand)
export class CreateLocationHandler implements ICommandHandler<CreateLocationCommand> {
  constructor(
    readonly store: EventStore,
    readonly readModel: LocationReadModel,
    readonly clock: Clock,
  ) {}

  execute({ request }: CreateLocationCommand): Promise<ServiceReply> {
    return createDocument(LOCATIONS, this, request);
  }
}
