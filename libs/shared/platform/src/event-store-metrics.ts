import { DuplicateEventIdError, type EventStore, WrongExpectedVersionError } from '@datamingle/event-store';
import type { MetricsRegistry } from './metrics';

export const APPEND_DURATION_METRIC = 'datamingle_event_store_append_duration_seconds';

/** Appends take milliseconds; a 50,000-event bulk append a few seconds. */
const APPEND_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** Method of the store → `operation` label. The in-transaction ones are the port's InTransactionAppender capability (PostgreSQL adapter only). */
const OPERATIONS: Readonly<Record<string, string>> = {
  appendToStream: 'append',
  appendToStreams: 'append_many',
  appendToStreamInTransaction: 'append_in_transaction',
  appendToStreamsInTransaction: 'append_many_in_transaction',
};

/**
 * The store as it is (same object behind a Proxy: its class and prototype still hold), with every
 * append timed into `datamingle_event_store_append_duration_seconds{service,operation,outcome}`,
 * those of its in-transaction capability included (inTransactionAppender() answers this Proxy when
 * the store is its own appender, any other appender behind the same timing). Every other member is
 * the store's own, called on the store itself.
 */
export function instrumentEventStore<S extends EventStore>(store: S, metrics: MetricsRegistry, service: string): S {
  const histogram = metrics.histogram(
    APPEND_DURATION_METRIC,
    'Event-store append latency of this process, by operation (append: appendToStream, append_many: appendToStreams, ' +
      'append_many_in_transaction / append_in_transaction: PostgreSQL appends inside the writer\'s transaction, until the statement returns, ' +
      'without the commit) and outcome (ok, conflict: wrong expected version or duplicate event id, error).',
    ['service', 'operation', 'outcome'],
    APPEND_BUCKETS,
  );
  const timed = <T extends object>(subject: T): T => {
    const wrapped = new WeakMap<object, unknown>();
    const proxy: T = new Proxy(subject, {
      get(target, property) {
        const value: unknown = Reflect.get(target, property, target);
        if (typeof value !== 'function' || property === 'constructor') return value;
        let fn = wrapped.get(value);
        if (!fn) {
          const method = value as (...args: unknown[]) => unknown;
          const operation = typeof property === 'string' ? OPERATIONS[property] : undefined;
          if (property === 'inTransactionAppender') {
            fn = () => {
              const appender = method.apply(target, []);
              if (appender === null || typeof appender !== 'object') return appender;
              return appender === target ? proxy : timed(appender);
            };
          } else if (operation) {
            fn = async (...args: unknown[]) => {
              const started = process.hrtime.bigint();
              let outcome = 'error';
              try {
                const result = await method.apply(target, args);
                outcome = 'ok';
                return result;
              } catch (error) {
                if (error instanceof WrongExpectedVersionError || error instanceof DuplicateEventIdError) outcome = 'conflict';
                throw error;
              } finally {
                histogram.observe({ service, operation, outcome }, Number(process.hrtime.bigint() - started) / 1e9);
              }
            };
          } else {
            fn = method.bind(target);
          }
          wrapped.set(value, fn);
        }
        return fn;
      },
    });
    return proxy;
  };
  return timed(store);
}
