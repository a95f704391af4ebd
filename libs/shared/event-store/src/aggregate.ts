import { uuidv7 } from './ids';
import { type AppendResult, type EventStore, type RecordedEvent, WrongExpectedVersionError } from './port';
import { appliedThenFailed } from './write-outcome';

/** A domain event as deciders produce it: a literal type and a JSON payload. */
export interface DomainEvent {
  type: string;
  data: unknown;
}

export interface Decider<Command, State, Event extends DomainEvent, Failure> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): { ok: true; value: Event[] } | { ok: false; error: Failure };
}

export type StreamCommandOutcome<State, Event, Failure> =
  | { kind: 'applied'; state: State; events: Event[]; nextExpectedRevision: bigint }
  | { kind: 'unchanged'; state: State }
  | { kind: 'rejected'; error: Failure }
  | { kind: 'conflict' };

export interface StreamCommandOptions<Event extends DomainEvent> {
  /** Metadata for each new event, given its 1-based aggregate version. */
  metadata(event: Event, aggregateVersion: number): Record<string, unknown>;
  /** Bounded retries on concurrent modification (default 10 attempts within 5 s). */
  maxAttempts?: number;
  deadlineMs?: number;
}

/** Folds a stream's events into state. Returns the state and the stream's last revision (null: no stream). */
export async function loadState<State, Event extends DomainEvent>(
  store: EventStore,
  streamName: string,
  initial: State,
  evolve: (s: State, e: Event) => State,
): Promise<{ state: State; revision: bigint | null; events: RecordedEvent[] }> {
  const events = await store.readStream(streamName);
  let state = initial;
  for (const e of events) state = evolve(state, { type: e.type, data: e.data } as Event);
  const last = events[events.length - 1];
  return { state, revision: last ? last.revision : null, events };
}

/**
 * read stream → fold → decide → append with the expected revision; on a concurrent
 * modification reload and decide again, a bounded number of times within a deadline.
 * Returns 'conflict' when it could not resolve, having changed nothing.
 */
export async function handleStreamCommand<Command, State, Event extends DomainEvent, Failure>(
  store: EventStore,
  streamName: string,
  decider: Decider<Command, State, Event, Failure>,
  command: Command,
  options: StreamCommandOptions<Event>,
): Promise<StreamCommandOutcome<State, Event, Failure>> {
  const maxAttempts = options.maxAttempts ?? 10;
  const deadline = Date.now() + (options.deadlineMs ?? 5_000);
  for (let attempt = 1; ; attempt++) {
    const { state, revision } = await loadState(store, streamName, decider.initialState(), decider.evolve);
    const decision = decider.decide(command, state);
    if (!decision.ok) return { kind: 'rejected', error: decision.error };
    if (decision.value.length === 0) return { kind: 'unchanged', state };
    const firstVersion = revision === null ? 1 : Number(revision) + 2;
    const newEvents = decision.value.map((e, i) => ({
      id: uuidv7(),
      type: e.type,
      data: e.data,
      metadata: options.metadata(e, firstVersion + i),
    }));
    let result: AppendResult;
    try {
      result = await store.appendToStream(streamName, newEvents, { expectedRevision: revision === null ? 'no_stream' : revision });
    } catch (error) {
      if (!(error instanceof WrongExpectedVersionError)) throw error;
      if (attempt >= maxAttempts || Date.now() >= deadline) return { kind: 'conflict' };
      await new Promise((r) => setTimeout(r, Math.min(50, 2 ** attempt) * Math.random()));
      continue;
    }
    // Stored: a failure from here on is "applied, then failed" (write-outcome.ts).
    try {
      let next = state;
      for (const e of decision.value) next = decider.evolve(next, e);
      return { kind: 'applied', state: next, events: decision.value, nextExpectedRevision: result.nextExpectedRevision };
    } catch (error) {
      throw appliedThenFailed(error);
    }
  }
}
