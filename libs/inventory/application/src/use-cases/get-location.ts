import { type IQueryHandler, QueryHandler } from '@nestjs/cqrs';
import { getDocument } from '@datamingle/application';
import type { ServiceReply } from '@datamingle/contracts';
import { GetLocationQuery } from '../commands';
import { LocationReadModel } from '../ports';
import { LOCATIONS } from './location-records';

/** GET /locations/{code}: 200 with the location (active or not); 404. */
@QueryHandler(GetLocationQuery)
export class GetLocationHandler implements IQueryHandler<GetLocationQuery> {
  constructor(private readonly readModel: LocationReadModel) {}

  execute({ request }: GetLocationQuery): Promise<ServiceReply> {
    return getDocument(LOCATIONS, this.readModel, request);
  }
}
