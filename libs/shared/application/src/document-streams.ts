import { eventMetadata, type ApiError, type EventSource, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import {
  changeStream,
  createStream,
  type AppendedOutcome,
  type CreatedOutcome,
  type Decider, type DomainEvent, type EventStore, type ProjectWrite,
} from '@datamingle/event-store';
import type { Written } from './written';

/** A kind of record kept as one event stream per record: how it is decided, how it looks, and where its events come from. */
export interface DocumentKind<Command, State, Event extends DomainEvent, Doc> {
  decider: Decider<Command, State, Event, ApiError>;
  representation: (state: State) => Doc;
  /** The source, aggregate type and schema versions stamped on its events' metadata. */
  events: EventSource;
}

/** A read model that projects a record's stream as part of each write (its writeAndProject). */
export interface ProjectingReadModel<Doc> {
  writeAndProject<T>(tenantId: string, streamName: string, write: () => Promise<Written<T, Doc>>): Promise<T>;
}

/** Projects a write through `readModel` before the reply, never refusing it. */
export function projectedBy<Doc>(readModel: ProjectingReadModel<Doc>, tenantId: string, streamName: string) {
  return async <T>(write: () => Promise<Written<T, Doc>>): Promise<void> => {
    await readModel.writeAndProject(tenantId, streamName, write);
  };
}

/** One request's command on one record's stream. */
export interface DocumentCommand<Command, Outcome> {
  request: ServiceRequest;
  streamName: string;
  /** The record's id: the aggregate id of its events. */
  aggregateId: string;
  command: Command;
  /** When the request happened: the occurred_at of its events. */
  now: string;
  /** Runs the write through the read model (e.g. {@link projectedBy}). */
  project: ProjectWrite<Outcome>;
}

/**
 * The writes of one kind of record (createStream / changeStream of @datamingle/event-store),
 * with the kind's decider, representation and event metadata filled in.
 */
export class DocumentStreams<Command, State, Event extends DomainEvent, Doc> {
  constructor(
    private readonly kind: DocumentKind<Command, State, Event, Doc>,
    private readonly store: EventStore,
  ) {}

  /** Creates the record's stream: 201 with the record, `duplicate()` when the stream exists already. */
  create(
write: DocumentCommand<Command, CreatedOutcome<Doc>> & { duplicate: () => ServiceReply }
  ): Promise<ServiceReply> {
    return createStream({ ...this.write(write), duplicate: write.duplicate, project: write.project });
  }

  /** Runs a command on the record's existing stream: 200 with the record, its rejection, or 409 CONFLICT. */
  change(
write: DocumentCommand<Command, AppendedOutcome<State, Event, Doc>>
  ): Promise<ServiceReply> {
    return changeStream({ ...this.write(write), project: write.project });
  }

  private write({ request, streamName, aggregateId, command, now }: Omit<DocumentCommand<Command, never>, 'project'>) {
    const { decider, representation, events } = this.kind;
    return {
      store: this.store,
      streamName,
      decider,
      command,
      representation,
      metadata: (e: Event, aggregateVersion: number) => eventMetadata(events, request, { type: e.type, aggregateId, aggregateVersion, occurredAt: now }),
    };
  }
}
