/**
 * `--only feed` of bench/run.cjs: the change feed (`GET changes/`) of one tenant among
 * 1,000,000 events of other tenants, and the wake-up of a long poll (`wait=…`) after a write.
 *
 *   node bench/run.cjs --only feed [--duration 10] [--rounds 3]
 *   FEED_OTHER_EVENTS=1000000 (events of other tenants seeded into the store)
 *   FEED_CONNECTIONS=4 (concurrent page readers)   FEED_WAKES=200 (sequential long-poll wake-ups)
 *
 * The other tenants' events are written straight into event_store.events by set-based SQL (this
 * measures reads; writing a million events through the API would take an hour on this machine
 * and measure nothing more). They are valid rows of 1,000 tenants' `order` streams, dated in the
 * store's global order before every event of the platform (their transaction ids are older than
 * the first event's), as another tenants' history that predates this one is: the catch-up
 * projections, whose checkpoints are past them, do not replay them, so the platform runs exactly
 * as it does without them. The measured tenant's own 1,000 events are created through the API.
 */
const http = require('node:http');
const { Client } = require('pg');

const OTHER_EVENTS = Number(process.env.FEED_OTHER_EVENTS ?? 1_000_000);
const OTHER_TENANTS = 1000;
const CONNECTIONS = Number(process.env.FEED_CONNECTIONS ?? 4);
const WAKES = Number(process.env.FEED_WAKES ?? 200);
const PARALLEL_POLLS = 4;
const PARALLEL_WAKES = 50;
const FEED = '/api/integrations/v1/changes/';

const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const now = () => Number(process.hrtime.bigint()) / 1e6;
/** Nearest-rank percentile of a list of numbers. */
const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
};
const r1 = (x) => Math.round(x * 10) / 10;

function call(port, method, path, key, body, host) {
  return new Promise((res, rej) => {
    const payload = body ? Buffer.from(JSON.stringify(body)) : null;
    const headers = { host, 'x-api-key': key };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    const req = http.request({ host: '127.0.0.1', port, method, path, headers, agent }, (r) => {
      let text = '';
      r.on('data', (c) => (text += c));
      r.on('end', () => res({ status: r.statusCode, body: text ? JSON.parse(text) : null, at: now() }));
    });
    req.on('error', rej);
    if (payload) req.write(payload);
    req.end();
  });
}

/** The tenant id and store position a cursor names (its payload is base64url JSON {t, p}). */
function cursorPayload(cursor) {
  return JSON.parse(Buffer.from(cursor.split('.')[0], 'base64url').toString('utf8'));
}

/**
 * Seeds OTHER_EVENTS events of OTHER_TENANTS other tenants (each a one-event `order` stream with
 * its `streams` row), in chunks of 100,000 per statement, then VACUUM ANALYZE and a CHECKPOINT so
 * that neither autovacuum nor the checkpointer works through them during the measurement.
 */
async function seedOtherTenants(db, log) {
  // Wait until the orders projection has a checkpoint (past the order main() created): the seeded
  // events are older than it, so the catch-up never reads them.
  for (let i = 0; ; i++) {
    const { rows } = await db.query(`SELECT position FROM orders.projection_checkpoints WHERE projection = 'orders.orders'`);
    if (rows[0]) break;
    if (i > 100) throw new Error('the orders projection has no checkpoint after 10 s');
    await sleep(100);
  }
  const { rows: [first] } = await db.query(`SELECT min(transaction_id)::text::bigint AS tx FROM event_store.events`);
  // Transaction ids of the store's past (normal xids start at 3), older than every event of the platform.
  const lowest = 3;
  const span = Math.max(1, Math.min(1000, Number(first.tx) - lowest));
  if (Number(first.tx) - lowest < 1) throw new Error(`no transaction id below the first event's (${first.tx})`);
  const started = now();
  const CHUNK = 100_000;
  for (let from = 0; from < OTHER_EVENTS; from += CHUNK) {
    const to = Math.min(OTHER_EVENTS, from + CHUNK) - 1;
    // g: the event's number; tenant g % 1000; order g / 1000 of that tenant.
    await db.query(
      `WITH g AS (
         SELECT g, md5('bench-other-tenant-' || (g % ${OTHER_TENANTS}))::uuid::text AS tenant_id, md5('bench-other-order-' || g)::uuid::text AS aggregate_id,
                timestamptz '2026-01-01 00:00:00+00' + g * interval '20 seconds' AS at
           FROM generate_series($1::int, $2::int) AS g
       ), s AS (
         INSERT INTO event_store.streams (stream_name, revision)
         SELECT 'order-' || tenant_id || '-' || substr(md5('n' || g) || md5('m' || g), 1, 40), 0 FROM g
       )
       INSERT INTO event_store.events (transaction_id, event_id, stream_name, stream_revision, event_type, data, metadata, recorded_at, category)
       SELECT ((${lowest} + g % ${span})::text)::xid8, gen_random_uuid(), 'order-' || tenant_id || '-' || substr(md5('n' || g) || md5('m' || g), 1, 40), 0, 'OrderCreated', '{}'::jsonb,
              jsonb_build_object('tenant_id', tenant_id, 'tenant', 'other-' || (g % ${OTHER_TENANTS}), 'source', 'orders', 'aggregate_type', 'order',
                                 'aggregate_id', aggregate_id, 'aggregate_version', 1,
                                 'occurred_at', to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'), 'schema_version', 1,
                                 'correlation_id', aggregate_id, 'causation_id', aggregate_id),
              at, 'order'
         FROM g`,
      [from, to],
    );
  }
  const inserted = now() - started;
  await db.query('VACUUM (ANALYZE) event_store.events');
  await db.query('VACUUM (ANALYZE) event_store.streams');
  await db.query('CHECKPOINT');
  const { rows: [size] } = await db.query(`SELECT count(*)::int AS events, pg_size_pretty(pg_total_relation_size('event_store.events')) AS size FROM event_store.events`);
  log(`seeded ${OTHER_EVENTS.toLocaleString('en')} events of ${OTHER_TENANTS} other tenants in ${(inserted / 1000).toFixed(1)} s (+ VACUUM ANALYZE, CHECKPOINT: ${((now() - started - inserted) / 1000).toFixed(1)} s); event_store.events: ${size.events.toLocaleString('en')} rows, ${size.size} with indexes`);
  return size;
}

/** Walks the tenant's feed from the start with pages of 100; returns every page's `after` cursor (null: the start) and the tail cursor. */
async function walk(get) {
  const pages = [];
  let after = null;
  let bytes = 0;
  for (;;) {
    const r = await get(`${FEED}?limit=100${after ? `&after=${after}` : ''}`);
    if (r.status !== 200) throw new Error(`feed page: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`);
    const missing = r.body.data.filter((e) => e.record === null).length;
    if (missing > 0) throw new Error(`feed page after ${after}: ${missing} entries without their record`);
    if (r.body.data.length === 100) {
      pages.push(after);
      bytes += Buffer.byteLength(JSON.stringify(r.body));
    }
    if (r.body.data.length === 0) return { pages, tail: after, bytes };
    after = r.body.pagination?.next_cursor;
    if (!after) throw new Error(`feed page without next_cursor: ${JSON.stringify(r.body).slice(0, 300)}`);
  }
}

async function feedBenchmarks({ port, admin, base, env, run, runMeasured, summary, measured, duration, rounds }) {
  const log = (s) => console.log(`[feed] ${s}`);
  const host = 'feed.localhost';
  const db = new Client({ connectionString: require('../apps/launcher/dist/embedded-db.js').embeddedUrl(Number(env.EMBEDDED_POSTGRES_PORT)) });
  await db.connect();
  const rows = [];
  try {
    await seedOtherTenants(db, log);

    // The measured tenant: 500 products and 500 orders (one line each), in rounds of 50 + 50 so
    // that pages mix both resources (two `records` calls per page, to catalog and orders).
    admin('tenant', 'create', 'feed');
    const key = admin('key', 'create', '--tenant', 'feed', '--name', 'feed reader');
    const writerKey = admin('key', 'create', '--tenant', 'feed', '--name', 'feed writer');
    const pollKeys = Array.from({ length: PARALLEL_POLLS }, (_, i) => admin('key', 'create', '--tenant', 'feed', '--name', `feed poller ${i}`));
    const get = (path, k = key) => call(port, 'GET', path, k, null, host);
    const post = (path, body) => call(port, 'POST', path, writerKey, body, host);
    const createdAt = now();
    for (let round = 0; round < 10; round++) {
      for (let i = 0; i < 50; i += 25) {
        const made = await Promise.all(Array.from({ length: 25 }, (_, j) => post('/api/integrations/v1/products/', { sku: `F-${round * 50 + i + j}`, name: `Feed product ${round * 50 + i + j}` })));
        made.forEach((r) => { if (r.status !== 201) throw new Error(`product: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`); });
      }
      for (let i = 0; i < 50; i += 25) {
        const made = await Promise.all(
          Array.from({ length: 25 }, (_, j) => post('/api/integrations/v1/orders/', { order_number: `FO-${round * 50 + i + j}`, customer_name: 'Feed Customer', items: [{ sku_code: `F-${round * 50 + i + j}`, quantity: 1 }] })),
        );
        made.forEach((r) => { if (r.status !== 201) throw new Error(`order: ${r.status} ${JSON.stringify(r.body).slice(0, 300)}`); });
      }
    }
    log(`created 500 products and 500 orders of tenant feed through the API in ${((now() - createdAt) / 1000).toFixed(1)} s`);
    await sleep(1500); // the last transactions settle below the readers' horizon
    const feed = await walk(get);
    const tenantId = cursorPayload(feed.tail).t;
    const { rows: [own] } = await db.query(`SELECT count(*)::int AS n FROM event_store.events WHERE metadata->>'tenant_id' = $1`, [tenantId]);
    log(`tenant feed: ${own.n} events in the store, ${feed.pages.length} full pages of 100 (every entry with its record, ${Math.round(feed.bytes / feed.pages.length / 1024)} KiB per page on average)`);

    // The event read alone: EXPLAIN (ANALYZE, BUFFERS) of the adapter's readTenant statement for a
    // page in the middle of the tenant's feed, as the adapter sends it (parameters, custom plan).
    const middle = cursorPayload(feed.pages[Math.floor(feed.pages.length / 2)] ?? feed.tail).p ?? '00000000000000000000:00000000000000000000';
    const [tx, gp] = middle.split(':').map((d) => BigInt(d).toString());
    const categories = ['order', 'product', 'location', 'inventory'];
    const readTenant = `SELECT ev.event_id::text AS event_id, ev.event_type, ev.data, ev.metadata, ev.stream_name,
    ev.stream_revision::text AS stream_revision, ev.transaction_id::text AS transaction_id,
    ev.global_position::text AS global_position, ev.recorded_at FROM event_store.events ev
      WHERE (ev.metadata->>'tenant_id') = $5::text
        AND ((ev.metadata->>'tenant_id'), ev.transaction_id, ev.global_position) > ($5::text, $1::xid8, $2::bigint)
        AND ev.transaction_id < pg_snapshot_xmin(pg_current_snapshot())
        AND ($4::text[] IS NULL OR ev.category = ANY($4::text[]))
      ORDER BY (ev.metadata->>'tenant_id'), ev.transaction_id, ev.global_position LIMIT $3`;
    const params = [tx, gp, 100, categories, tenantId];
    const explain = async (when) => {
      const plan = await db.query(`EXPLAIN (ANALYZE, BUFFERS, TIMING ON) ${readTenant}`, params);
      const text = plan.rows.map((r) => r['QUERY PLAN']);
      console.log(`\nEXPLAIN (ANALYZE, BUFFERS) of readTenant, a page of 100 in the middle of tenant feed (${own.n} events) among ${OTHER_EVENTS.toLocaleString('en')} others, ${when}:`);
      for (const line of text) console.log(`  ${line}`);
      // Its summary: the plan's scan nodes (rows read), the top node's buffers, the execution time.
      const scans = text.filter((l) => /Scan|Sort  |Limit/.test(l)).map((l) => l.trim().replace(/^->\s*/, '').replace(/\(cost=[^)]*\)\s*/, '').replace(/ loops=1\)/, ')').replace(/actual time=[^ ]* /, ''));
      const buffers = text.find((l) => /Buffers:/.test(l))?.trim();
      const time = text.find((l) => /Execution Time/.test(l))?.trim();
      return `${when}: ${scans.join(' → ')}; ${buffers}; ${time}`;
    };
    // The tenant's 1,000 events came after the seed's ANALYZE: the planner's statistics do not know
    // them yet (a new tenant); then again after an ANALYZE, as autovacuum keeps them in steady state.
    const planBefore = await explain('statistics from before the tenant\'s events');
    await db.query('ANALYZE event_store.events');
    const planAfter = await explain('after ANALYZE');
    // The statement's own time over every page position, sequentially, from this client.
    const statementMs = [];
    const positions = feed.pages.map((c) => (c ? cursorPayload(c).p : '00000000000000000000:00000000000000000000'));
    for (let i = 0; i < 500; i++) {
      const [t, g] = positions[i % positions.length].split(':').map((d) => BigInt(d).toString());
      const s = now();
      const r = await db.query(readTenant, [t, g, 100, categories, tenantId]);
      statementMs.push(now() - s);
      if (r.rows.length !== 100) throw new Error(`readTenant returned ${r.rows.length} rows`);
    }
    rows.push({
      name: 'readTenant statement alone (one pg client, sequential, 500 pages of 100 of tenant feed)',
      requests_per_s: '-',
      latency_ms: { p50: r1(pct(statementMs, 50)), p90: r1(pct(statementMs, 90)), p99: r1(pct(statementMs, 99)), max: r1(Math.max(...statementMs)) },
      non2xx: 0,
      errors: 0,
      note: `EXPLAIN ${planBefore} // ${planAfter}`,
    });

    // Pages of 100 through the gateway: FEED_CONNECTIONS connections cycle through the pages of
    // the tenant's feed from the start (every answer 100 entries with their current records).
    const paths = feed.pages.map((c) => `${FEED}?limit=100${c ? `&after=${c}` : ''}`);
    let next = 0;
    let short = 0;
    let answered = 0;
    const pagesRun = (seconds) => ({
      url: base,
      connections: CONNECTIONS,
      duration: seconds,
      headers: { host, 'x-api-key': key },
      requests: [
        {
          method: 'GET',
          setupRequest: (req) => ({ ...req, path: paths[next++ % paths.length] }),
          onResponse: (status, body) => {
            // Every 20th answer is checked (parsing each would load the client, which shares the cores).
            if (status === 200 && answered++ % 20 === 0 && JSON.parse(body).data.length !== 100) short++;
          },
        },
      ],
    });
    await run(pagesRun(2)); // warm-up
    // The target's case: the tenant's follower reading its feed page after page (one connection),
    // `rounds` runs, the worst p99 of them.
    const pageRuns = [];
    for (let i = 0; i < rounds; i++) {
      const r = await runMeasured({ ...pagesRun(duration), connections: 1 }, i === 0 ? 'GET changes/ pages of 100' : null);
      pageRuns.push(r);
      rows.push(summary(`GET changes/?limit=100&after=… (pages of 100 of ${feed.pages.length}, 1 connection; run ${i + 1} of ${rounds})`, r));
    }
    // Information: CONNECTIONS readers at once (what the page costs shows as queueing on the cores).
    const together = [];
    for (let i = 0; i < rounds; i++) {
      const r = await runMeasured(pagesRun(duration));
      together.push(r);
      rows.push(summary(`GET changes/?limit=100&after=… (pages of 100, ${CONNECTIONS} connections; run ${i + 1} of ${rounds})`, r));
    }
    if (short > 0) throw new Error(`${short} feed pages had fewer than 100 entries`);
    const failed = [...pageRuns, ...together].reduce((a, r) => a + r.non2xx + r.errors, 0);
    if (failed > 0) throw new Error(`feed pages: ${failed} failed requests`);
    measured.feedPageP99 = Math.max(...pageRuns.map((r) => r.latency.p99));

    // The tail: the request a caught-up client makes without `wait` (an empty page).
    const tailRun = await runMeasured({ url: `${base}${FEED}?limit=100&after=${feed.tail}`, connections: CONNECTIONS, duration, headers: { host, 'x-api-key': key } });
    rows.push(summary(`GET changes/?limit=100&after=<tail> (empty page, ${CONNECTIONS} connections)`, tailRun));

    // Long-poll wake-up: a poll waits at the tail; 50–100 ms later one product is created; the time
    // from the POST's response (and from its sending) to the poll's answer.
    let tail = feed.tail;
    /** Reads on from `after` until the feed is empty (the tail after every event of the last write). */
    const catchUp = async (after) => {
      for (;;) {
        const r = await get(`${FEED}?limit=1000&after=${after}`);
        if (r.status !== 200) throw new Error(`feed catch-up: ${r.status}`);
        if (r.body.data.length === 0) return after;
        after = r.body.pagination?.next_cursor;
      }
    };
    let sku = 0;
    let withoutRecord = 0;
    const wake = async (pollers) => {
      const polls = pollers.map((k) => {
        const sent = now();
        return get(`${FEED}?limit=100&wait=30&after=${tail}`, k).then((r) => ({ ...r, sent }));
      });
      await sleep(50 + Math.random() * 50);
      const name = `W-${Date.now().toString(36)}-${sku++}`;
      const sentAt = now();
      const made = await post('/api/integrations/v1/products/', { sku: name, name });
      if (made.status !== 201) throw new Error(`wake product: ${made.status}`);
      const answers = await Promise.all(polls);
      for (const a of answers) {
        if (a.status !== 200) throw new Error(`long poll: ${a.status} ${JSON.stringify(a.body).slice(0, 300)}`);
        const created = a.body.data.find((e) => e.type === 'ProductCreated');
        if (!created) throw new Error(`long poll answered without the new product: ${JSON.stringify(a.body.data).slice(-600)}`);
        // The entry's record as the catalog answered it at that moment (null: its read model did not have it yet).
        if (!JSON.stringify(created.record ?? null).includes(`"${name}"`)) withoutRecord++;
      }
      tail = await catchUp(answers[0].body.pagination.next_cursor);
      return answers.map((a) => ({ afterResponse: a.at - made.at, afterSend: a.at - sentAt, post: made.at - sentAt }));
    };
    for (let i = 0; i < 5; i++) await wake([key]); // warm-up
    withoutRecord = 0;
    const single = [];
    for (let i = 0; i < WAKES; i++) single.push(...(await wake([key])));
    const singleWithout = withoutRecord;
    withoutRecord = 0;
    const parallel = [];
    for (let i = 0; i < PARALLEL_WAKES; i++) parallel.push(...(await wake(pollKeys)));
    const parallelWithout = withoutRecord;
    const wakeRow = (name, xs, missing) => {
      const resp = xs.map((x) => x.afterResponse);
      const send = xs.map((x) => x.afterSend);
      const postMs = xs.map((x) => x.post);
      return {
        name,
        requests_per_s: '-',
        latency_ms: { p50: r1(pct(resp, 50)), p90: r1(pct(resp, 90)), p99: r1(pct(resp, 99)), max: r1(Math.max(...resp)) },
        non2xx: 0,
        errors: 0,
        note: `from the POST's response (min ${r1(Math.min(...resp))}); from the POST's sending: p50 ${r1(pct(send, 50))}, p99 ${r1(pct(send, 99))}, max ${r1(Math.max(...send))}; the POST itself p50 ${r1(pct(postMs, 50))}, p99 ${r1(pct(postMs, 99))}; ${missing} of ${xs.length} answers had the new product's entry with record null`,
        p99: pct(resp, 99),
      };
    };
    const a = wakeRow(`long poll (wait=30) woken by a product create: ${WAKES} wake-ups, ms after the POST's 201`, single, singleWithout);
    const b = wakeRow(`${PARALLEL_POLLS} long polls in parallel, ${PARALLEL_WAKES} creates (${parallel.length} wake-ups), ms after the POST's 201`, parallel, parallelWithout);
    measured.feedWakeP99 = Math.max(a.p99, b.p99);
    rows.push(a, b);
  } finally {
    await db.end();
    agent.destroy();
  }
  return rows;
}

module.exports = { feedBenchmarks };
