import { Pool } from 'pg';
import { EventStore, WrongExpectedVersionError, type RecordedEvent } from '@datamingle/event-store';
import { PostgresEventStore } from '@datamingle/event-store-adapters';
import { instrumentEventStore } from './event-store-metrics';
import { parseExposition } from '@datamingle/testing';
import { escapeLabelValue, mergeExpositions, MetricsRegistry } from './metrics';
import { registerProjectionMetrics } from './service-providers';

const lines = (text: string) => text.split('\n').filter(Boolean);
const metaLines = (text: string, kind: 'HELP' | 'TYPE', name: string) => lines(text).filter((l) => l.startsWith(`# ${kind} ${name} `));

describe('MetricsRegistry', () => {
  it('renders one HELP and one TYPE per family, then its samples', async () => {
    const r = new MetricsRegistry();
    const c = r.counter('x_total', 'Things.', ['kind']);
    c.inc({ kind: 'a' });
    c.inc({ kind: 'a' }, 2);
    c.inc({ kind: 'b' });
    r.gauge('y', 'A level.', ['kind']).set({ kind: 'a' }, 1.5);
    const text = await r.render();
    expect(lines(text)).toEqual(['# HELP x_total Things.', '# TYPE x_total counter', 'x_total{kind="a"} 3', 'x_total{kind="b"} 1', '# HELP y A level.', '# TYPE y gauge', 'y{kind="a"} 1.5']);
    expect([...parseExposition(text).keys()]).toEqual(['x_total', 'y']);
  });

  it('renders histograms with cumulative buckets, +Inf, _sum and _count', async () => {
    const r = new MetricsRegistry();
    const h = r.histogram('lat_seconds', 'Latency.', ['op'], [0.1, 1, 10]);
    for (const v of [0.05, 0.1, 0.5, 2, 20]) h.observe({ op: 'x' }, v);
    const family = parseExposition(await r.render()).get('lat_seconds')!;
    expect(family.help).toBe('Latency.');
    expect(family.type).toBe('histogram');
    expect(family.samples.map((s) => [s.name, s.labels, s.value])).toEqual([
      ['lat_seconds_bucket', { op: 'x', le: '0.1' }, 2],
      ['lat_seconds_bucket', { op: 'x', le: '1' }, 3],
      ['lat_seconds_bucket', { op: 'x', le: '10' }, 4],
      ['lat_seconds_bucket', { op: 'x', le: '+Inf' }, 5],
      ['lat_seconds_sum', { op: 'x' }, 22.65],
      ['lat_seconds_count', { op: 'x' }, 5],
    ]);
  });

  it('escapes label values (backslash, double quote, line feed) and HELP text', async () => {
    expect(escapeLabelValue('a\\b"c\nd')).toBe('a\\\\b\\"c\\nd');
    const r = new MetricsRegistry();
    r.gauge('g', 'Line one\nline two \\ end.', ['path']).set({ path: '/x"y\\z\n' }, 1);
    const text = await r.render();
    expect(lines(text)).toEqual(['# HELP g Line one\\nline two \\\\ end.', '# TYPE g gauge', 'g{path="/x\\"y\\\\z\\n"} 1']);
    expect(parseExposition(text).get('g')!.samples[0]!.labels).toEqual({ path: '/x"y\\z\n' });
  });

  it('returns the registered family for a name again, rejects another kind, bad names, undeclared labels and falling counters', () => {
    const r = new MetricsRegistry();
    expect(r.counter('a_total', 'A.')).toBe(r.counter('a_total', 'A.'));
    expect(() => r.gauge('a_total', 'A.')).toThrow(TypeError);
    expect(() => r.gauge('1bad', 'B.')).toThrow(TypeError);
    expect(() => r.gauge('bad_label', 'B.', ['bad-label'])).toThrow(TypeError);
    expect(() => r.gauge('ok', 'B.').set({ undeclared: 'x' }, 1)).toThrow(TypeError);
    expect(() => r.counter('a_total', 'A.').inc({}, -1)).toThrow(RangeError);
    expect(() => r.histogram('h', 'H.', [], [1, 1])).toThrow(RangeError);
    expect(() => r.histogram('h1', 'H.', ['le'])).toThrow(TypeError);
    expect(() => r.histogram('h2', 'H.').observe({ le: '1' }, 1)).toThrow(TypeError);
  });

  it('reads collected families at render time; formats special values', async () => {
    const r = new MetricsRegistry();
    let lag = 1;
    r.gauge('lag', 'Lag.', ['p']).addCollector(() => [{ labels: { p: 'a' }, value: lag }]);
    let handled = 3;
    r.counter('handled_total', 'Handled.', ['p']).addCollector(() => [{ labels: { p: 'a' }, value: handled }]);
    r.gauge('odd', 'Odd.').set({}, Infinity);
    expect(await r.render()).toContain('lag{p="a"} 1\n');
    lag = 2.5;
    handled = 5;
    const text = await r.render();
    expect(text).toContain('lag{p="a"} 2.5\n');
    expect(text).toContain('handled_total{p="a"} 5\n');
    expect(text).toContain('odd +Inf\n');
  });

  it('adds the process and event-loop metrics, labelled with the service, when asked', async () => {
    expect(await new MetricsRegistry().render()).not.toContain('process_');
    const r = new MetricsRegistry({ processMetricsOf: 'orders' });
    r.counter('x_total', 'X.').inc();
    const families = parseExposition(await r.render());
    for (const name of ['process_cpu_seconds_total', 'process_start_time_seconds', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_p99_seconds', 'nodejs_heap_size_used_bytes']) {
      expect([name, families.get(name)?.samples.length]).toEqual([name, 1]);
    }
    expect(families.get('nodejs_eventloop_lag_seconds')!.type).toBe('gauge'); // measured at a scrape, reported by the next
    for (const [name, family] of families) if (name !== 'x_total') for (const s of family.samples) expect(s.labels['service']).toBe('orders');
    expect(families.get('x_total')!.samples.map((s) => s.value)).toEqual([1]);
    expect(() => r.gauge('process_start_time_seconds', 'Mine.')).toThrow(TypeError);
  });
});

describe('mergeExpositions', () => {
  const service = async (name: string, appends: number) => {
    const r = new MetricsRegistry({ processMetricsOf: name });
    const h = r.histogram('append_seconds', 'Appends.', ['service', 'operation'], [0.01, 1]);
    for (let i = 0; i < appends; i++) h.observe({ service: name, operation: 'append' }, 0.005);
    r.gauge('lag_seconds', 'Lag.', ['service', 'projection']).set({ service: name, projection: `${name}.p` }, 0);
    return r.render();
  };

  it('keeps one HELP and TYPE per family and groups every input\'s samples under it', async () => {
    const own = new MetricsRegistry({ processMetricsOf: 'gateway' });
    own.counter('requests_total', 'Requests.', ['route']).inc({ route: '/x' });
    const merged = mergeExpositions([await own.render(), await service('orders', 2), await service('catalog', 1), '']);
    for (const name of ['requests_total', 'append_seconds', 'lag_seconds', 'process_cpu_seconds_total', 'nodejs_eventloop_lag_seconds']) {
      expect(metaLines(merged, 'HELP', name)).toHaveLength(1);
      expect(metaLines(merged, 'TYPE', name)).toHaveLength(1);
    }
    const families = parseExposition(merged); // throws when a family's lines are not together or a series repeats
    expect(families.get('append_seconds')!.samples.filter((s) => s.name === 'append_seconds_count').map((s) => [s.labels['service'], s.value])).toEqual([
      ['orders', 2],
      ['catalog', 1],
    ]);
    expect(families.get('lag_seconds')!.samples.map((s) => s.labels['service'])).toEqual(['orders', 'catalog']);
    expect(families.get('process_start_time_seconds')!.samples.map((s) => s.labels['service'])).toEqual(['gateway', 'orders', 'catalog']);
  });

  it('drops a family that an input declares with another type', () => {
    const merged = mergeExpositions(['# TYPE m gauge\nm{a="1"} 1\n', '# TYPE m counter\nm{a="2"} 5\n# TYPE n gauge\nn 1\n']);
    expect(lines(merged)).toEqual(['# TYPE m gauge', 'm{a="1"} 1', '# TYPE n gauge', 'n 1']);
  });
});

describe('parseExposition', () => {
  it.each([
    ['a HELP twice', '# HELP a x\n# HELP a y\na 1\n'],
    ['a TYPE twice', '# TYPE a gauge\n# TYPE a gauge\na 1\n'],
    ['a family split in two', '# TYPE a gauge\na{x="1"} 1\n# TYPE b gauge\nb 1\na{x="2"} 1\n'],
    ['a series twice', '# TYPE a gauge\na{x="1",y="2"} 1\na{y="2",x="1"} 2\n'],
    ['non-cumulative buckets', '# TYPE h histogram\nh_bucket{le="1"} 2\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 1\n'],
    ['no +Inf bucket', '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n'],
    ['_count other than +Inf', '# TYPE h histogram\nh_bucket{le="+Inf"} 1\nh_sum 1\nh_count 2\n'],
    ['a bad value', '# TYPE a gauge\na one\n'],
    ['unescaped quote', '# TYPE a gauge\na{x="a"b"} 1\n'],
  ])('rejects %s', (_, text) => {
    expect(() => parseExposition(text)).toThrow(SyntaxError);
  });
});

describe('instrumentEventStore', () => {
  class FakeStore extends EventStore {
    fail: Error | null = null;
    async appendToStream() {
      if (this.fail) throw this.fail;
      return { nextExpectedRevision: 0n, position: 'p' };
    }
    async appendToStreams() {
      return new Map([['s', 0n]]);
    }
    async readStream(): Promise<RecordedEvent[]> {
      return [];
    }
    async readAll(): Promise<RecordedEvent[]> {
      return [];
    }
    async waitForEvents() {}
    async close() {}
  }

  const counts = async (r: MetricsRegistry) =>
    Object.fromEntries(
      parseExposition(await r.render())
        .get('datamingle_event_store_append_duration_seconds')!
        .samples.filter((s) => s.name.endsWith('_count'))
        .map((s) => [`${s.labels['service']}/${s.labels['operation']}/${s.labels['outcome']}`, s.value]),
    );

  it('times appendToStream and appendToStreams by operation and outcome, leaving results and errors as they are', async () => {
    const metrics = new MetricsRegistry();
    const raw = new FakeStore();
    const store: EventStore = instrumentEventStore(raw, metrics, 'orders');
    expect(await store.appendToStream('s', [], { expectedRevision: 'any' })).toEqual({ nextExpectedRevision: 0n, position: 'p' });
    expect(await store.appendToStreams([])).toEqual(new Map([['s', 0n]]));
    raw.fail = new WrongExpectedVersionError('s', 0n, 1n);
    await expect(store.appendToStream('s', [], { expectedRevision: 0n })).rejects.toBe(raw.fail);
    raw.fail = new Error('down');
    await expect(store.appendToStream('s', [], { expectedRevision: 0n })).rejects.toThrow('down');
    expect(await store.readAll({ maxCount: 1 })).toEqual([]);
    expect(await counts(metrics)).toEqual({ 'orders/append/ok': 1, 'orders/append_many/ok': 1, 'orders/append/conflict': 1, 'orders/append/error': 1 });
  });

  it('keeps the store\'s class and its in-transaction capability (writers choose the same-transaction path by it) and times that path too', async () => {
    const pool = new Pool({ connectionString: 'postgres://nobody@127.0.0.1:1/none' }); // never connected
    const raw = new PostgresEventStore({ pool });
    try {
      const metrics = new MetricsRegistry();
      const store: EventStore = instrumentEventStore(raw, metrics, 'inventory');
      expect(store instanceof EventStore).toBe(true);
      expect(store.constructor).toBe(PostgresEventStore);
      const queries: string[] = [];
      const client = {
        query: async (text: string) => {
          queries.push(text);
          return { rows: text.includes('streams') ? [{ stream_name: 'inventory-t-l', revision: '0' }] : [] };
        },
      };
      const inTransaction = store.inTransactionAppender();
      expect(inTransaction).toBe(store); // the store itself, behind the timing
      if (!inTransaction) throw new Error('unreachable');
      const revisions = await inTransaction.appendToStreamsInTransaction(client, [
        { streamName: 'inventory-t-l', events: [{ id: '0190a6d2-0000-7000-8000-000000000001', type: 'T', data: {}, metadata: {} }] },
      ]);
      expect(revisions.get('inventory-t-l')).toEqual({ firstRevision: 0n, lastRevision: 0n });
      expect(queries).toHaveLength(2);
      expect((store as PostgresEventStore).schema).toBe(raw.schema);
      expect(await counts(metrics)).toEqual({ 'inventory/append_many_in_transaction/ok': 1 });
    } finally {
      await raw.close();
    }
  });
});

describe('registerProjectionMetrics', () => {
  it('reports lag, lease and events of every runner, labelled with the service and projection', async () => {
    const metrics = new MetricsRegistry();
    const statuses = [
      { projection: 'orders.orders', leaseHeld: true, eventsHandled: 7, lagSeconds: 0.25 },
      { projection: 'relay:kafka:order', leaseHeld: false, eventsHandled: 0, lagSeconds: 0 },
    ];
    registerProjectionMetrics(metrics, 'orders', statuses.map((s) => ({ status: () => s })));
    const families = parseExposition(await metrics.render());
    const values = (name: string) => families.get(name)!.samples.map((s) => [s.labels['service'], s.labels['projection'], s.value]);
    expect(families.get('datamingle_projection_events_total')!.type).toBe('counter');
    expect(values('datamingle_projection_lag_seconds')).toEqual([
      ['orders', 'orders.orders', 0.25],
      ['orders', 'relay:kafka:order', 0],
    ]);
    expect(values('datamingle_projection_lease_held')).toEqual([
      ['orders', 'orders.orders', 1],
      ['orders', 'relay:kafka:order', 0],
    ]);
    expect(values('datamingle_projection_events_total')).toEqual([
      ['orders', 'orders.orders', 7],
      ['orders', 'relay:kafka:order', 0],
    ]);
    statuses[0]!.eventsHandled = 9;
    expect(await metrics.render()).toContain('datamingle_projection_events_total{service="orders",projection="orders.orders"} 9\n');
  });
});
