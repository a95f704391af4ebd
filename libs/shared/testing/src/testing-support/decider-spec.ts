/**
 * Given / when / then over a decider (Emmett's `Decider` shape: initialState / evolve / decide),
 * for the domain specs of every context:
 *
 *   const spec = deciderSpec(orderDecider);
 *   spec.given(created).when(cancel('x')).then([cancelled]);
 *   spec.given(created).when(create).thenFails(duplicateError);
 *   const state = spec.givenState(someState).when(update).thenState();
 *
 * Spec-only (uses Jest's global `expect`): imported as `@datamingle/testing/decider-spec`, kept
 * out of the lib build like every testing-support folder. The decider's type is structural here
 * because type:testing may not depend on @datamingle/event-store (type:application).
 */

export type DecideResult<Event, Failure> = { ok: true; value: Event[] } | { ok: false; error: Failure };

export interface DeciderUnderTest<Command, State, Event, Failure> {
  initialState(): State;
  evolve(state: State, event: Event): State;
  decide(command: Command, state: State): DecideResult<Event, Failure>;
}

export interface DeciderThen<State, Event, Failure> {
  /** The command succeeds with exactly these events. */
  then(expected: Event[]): void;
  /** The command fails with exactly this error. */
  thenFails(error: Failure): void;
  /** The state after folding the command's events onto the given state; throws when the command fails. */
  thenState(): State;
}

export interface DeciderWhen<Command, State, Event, Failure> {
  when(command: Command): DeciderThen<State, Event, Failure>;
}

export interface DeciderSpec<Command, State, Event, Failure> {
  /** The state folded from these events (none: the initial state). */
  given(...events: Event[]): DeciderWhen<Command, State, Event, Failure>;
  /** A state built directly (e.g. one no event sequence of the test reaches cheaply). */
  givenState(state: State): DeciderWhen<Command, State, Event, Failure>;
}

export function deciderSpec<Command, State, Event, Failure>(
  decider: DeciderUnderTest<Command, State, Event, Failure>,
): DeciderSpec<Command, State, Event, Failure> {
  const fold = (events: Event[], state: State): State => events.reduce(decider.evolve, state);
  const givenState = (state: State): DeciderWhen<Command, State, Event, Failure> => ({
    when(command: Command): DeciderThen<State, Event, Failure> {
      const result = decider.decide(command, state);
      return {
        then(expected: Event[]): void {
          expect(result).toEqual({ ok: true, value: expected });
        },
        thenFails(error: Failure): void {
          expect(result).toEqual({ ok: false, error });
        },
        thenState(): State {
          if (!result.ok) throw new Error(`unexpected error ${JSON.stringify(result.error)}`);
          return fold(result.value, state);
        },
      };
    },
  });
  return {
    given: (...events: Event[]) => givenState(fold(events, decider.initialState())),
    givenState,
  };
}
