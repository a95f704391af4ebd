export * from './port';
export * from './catch-up';
export { CategoryWaiters } from './category-waiters';
export {
  WriteInDoubtError,
  WriteAppliedError,
  writeOutcomeOf,
  appliedThenFailed,
  afterAppliedWrite,
  forgetUncommittedAppend,
  type WriteOutcome,
} from './write-outcome';
export * from './aggregate';
export * from './ids';
export * from './command-reply';
export * from './record-writes';
