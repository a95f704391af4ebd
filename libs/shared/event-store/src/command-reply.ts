import type { ApiError, ServiceReply } from '@datamingle/contracts';
import { handleStreamCommand, type Decider, type DomainEvent, type StreamCommandOutcome } from './aggregate';
import type { EventStore } from './port';
import { appliedThenFailed } from './write-outcome';

/** What a command on an existing stream stored, in the shape the read models' writeAndProject expects. */
export interface AppendedOutcome<State, Event, Doc> {
  result: StreamCommandOutcome<State, Event, ApiError>;
  appended: { fromRevision: bigint; toRevision: bigint; doc: Doc } | null;
}

/**
 * Runs a command on an existing stream (read → fold → decide → append with expected revision,
 * bounded retries) and reports which revisions it appended and the record's representation
 * after them, so the caller's read model can project it before answering.
 */
export async function decideAndAppend<Command, State, Event extends DomainEvent, Doc>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, State, Event, ApiError>,
  command: Command,
  metadata: (event: Event, aggregateVersion: number) => Record<string, unknown>,
  representation: (state: State) => Doc,
): Promise<AppendedOutcome<State, Event, Doc>> {
  const result = await handleStreamCommand(store, streamName, decider, command, { metadata });
  if (result.kind !== 'applied') return { result, appended: null };
  // Stored: a failure from here on is "applied, then failed" (write-outcome.ts).
  let doc: Doc;
  try {
    doc = representation(result.state);
  } catch (error) {
    throw appliedThenFailed(error);
  }
  return {
    result,
    appended: { fromRevision: result.nextExpectedRevision - BigInt(result.events.length) + 1n, toRevision: result.nextExpectedRevision, doc },
  };
}

/** The reply for a command's outcome: 200 with the record, its rejection, or 409 CONFLICT. */
export function replyFor<State, Event, Doc>(outcome: StreamCommandOutcome<State, Event, ApiError>, representation: (state: State) => Doc): ServiceReply {
  switch (outcome.kind) {
    case 'rejected':
      return { ok: false, error: outcome.error };
    case 'conflict':
      return {
        ok: false,
        error: { code: 'CONFLICT', message: 'The record was modified concurrently and the request could not be applied. Retry the request.' },
      };
    case 'unchanged':
    case 'applied':
      return { ok: true, status: 200, data: representation(outcome.state) };
  }
}
