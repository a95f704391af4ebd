import type { ApiError, ServiceReply } from '@datamingle/contracts';
import type { Decider, DomainEvent } from './aggregate';
import { decideAndAppend, replyFor, type AppendedOutcome } from './command-reply';
import { uuidv7 } from './ids';
import { type AppendResult, type EventStore, WrongExpectedVersionError } from './port';

/** What a create stored, in the shape the read models' writeAndProject expects. */
export interface CreatedOutcome<Doc> {
  result: AppendResult;
  appended: { fromRevision: bigint; toRevision: bigint; doc: Doc };
}

/**
 * Runs a write through the caller's read model (its writeAndProject) so the record is projected
 * before the reply. Answers a reply to refuse the write's result (e.g. a claim on a unique value
 * another record holds), or nothing to let it stand.
 */
export type ProjectWrite<Outcome> = (write: () => Promise<Outcome>) => Promise<ServiceReply | void>;

/** One command on one record's stream: where, how it is decided, and how its events and record look. */
export interface RecordWrite<Command, State, Event extends DomainEvent, Doc> {
  store: EventStore;
  streamName: string;
  decider: Decider<Command, State, Event, ApiError>;
  command: Command;
  /** Metadata for each new event, given its 1-based aggregate version. */
  metadata: (event: Event, aggregateVersion: number) => Record<string, unknown>;
  representation: (state: State) => Doc;
}

/**
 * Creates a record's stream: decides `command` from the initial state, appends the events with
 * expected revision "no stream" (through `project`), and answers 201 with the record's
 * representation. The stream existing already (a concurrent or earlier create won) answers
 * `duplicate()`: the stream name carries the record's natural key, so this is what keeps that key
 * unique per tenant, atomically, in every event-store adapter. A rejected decision answers its
 * error and appends nothing.
 */
export async function createStream<Command, State, Event extends DomainEvent, Doc>(
  write: RecordWrite<Command, State, Event, Doc> & { duplicate: () => ServiceReply; project: ProjectWrite<CreatedOutcome<Doc>> },
): Promise<ServiceReply> {
  const { store, streamName, decider, representation } = write;
  const decision = decider.decide(write.command, decider.initialState());
  if (!decision.ok) return { ok: false, error: decision.error };
  const events = decision.value;
  const doc = representation(events.reduce((state, e) => decider.evolve(state, e), decider.initialState()));
  try {
    const refused = await write.project(async () => {
      const appended = await store.appendToStream(
        streamName,
        events.map((e, i) => ({ id: uuidv7(), type: e.type, data: e.data, metadata: write.metadata(e, i + 1) })),
        { expectedRevision: 'no_stream' },
      );
      return { result: appended, appended: { fromRevision: 0n, toRevision: appended.nextExpectedRevision, doc } };
    });
    if (refused) return refused;
  } catch (error) {
    if (error instanceof WrongExpectedVersionError) return write.duplicate();
    throw error;
  }
  return { ok: true, status: 201, data: doc };
}

/**
 * Runs a command on an existing record's stream ({@link decideAndAppend}, through `project`) and
 * answers {@link replyFor} its outcome: 200 with the record, its rejection, or 409 CONFLICT.
 */
export async function changeStream<Command, State, Event extends DomainEvent, Doc>(
  write: RecordWrite<Command, State, Event, Doc> & { project: ProjectWrite<AppendedOutcome<State, Event, Doc>> },
): Promise<ServiceReply> {
  let outcome: AppendedOutcome<State, Event, Doc> | undefined;
  const refused = await write.project(async () => {
    outcome = await decideAndAppend(write.store, write.streamName, write.decider, write.command, write.metadata, write.representation);
    return outcome;
  });
  if (refused) return refused;
  if (!outcome) throw new Error(`changeStream: the read model never ran the write to ${write.streamName}`);
  return replyFor(outcome.result, write.representation);
}
