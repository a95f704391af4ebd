import { Command, Query } from '@nestjs/cqrs';
import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';

/** A command of the command bus that carries one service request and answers its reply. */
export abstract class RequestCommand extends Command<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}

/** A query of the query bus that carries one service request and answers its reply. */
export abstract class RequestQuery extends Query<ServiceReply> {
  constructor(readonly request: ServiceRequest) {
    super();
  }
}

export * from './clock';
export * from './written';
export * from './record-replies';
export * from './document-streams';
export * from './document-use-cases';
export * from './record-history';
export * from './current-records';
