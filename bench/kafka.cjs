#!/usr/bin/env node
/**
 * Kafka publication benchmarks (issue: events on Kafka), against the platform as `npm start` runs
 * it with KAFKA_BROKERS pointing at librdkafka's mock cluster (scripts/kafka-mock.sh, Debian kcat):
 *  1. delay from each 201 to the OrderCreated event being readable on the topic (1,000 creates);
 *  2. relay throughput: one 50,000-row inventory bulk request stores 50,000 events at once — time
 *     until all are on the topic;
 *  3. projection rebuild rate: `projections rebuild --service inventory` over those events.
 *
 *   npm run build && node bench/kafka.cjs
 */
const { spawn, execFileSync } = require('node:child_process');
const { mkdtempSync, rmSync } = require('node:fs');
const { createServer } = require('node:net');
const { tmpdir } = require('node:os');
const { join } = require('node:path');
const http = require('node:http');
const { Kafka, logLevel } = require('kafkajs');

const ROOT = join(__dirname, '..');
const isFree = (port) => new Promise((res) => { const s = createServer(); s.once('error', () => res(false)); s.listen(port, '127.0.0.1', () => s.close(() => res(true))); });
async function freePortPair() { for (;;) { const p = 20000 + Math.floor(Math.random() * 30000); if ((await isFree(p)) && (await isFree(p + 100))) return p; } }
function request(port, method, path, key, body) {
  return new Promise((res, rej) => {
    const payload = body ? Buffer.from(JSON.stringify(body)) : null;
    const headers = { host: 'acme.localhost', 'x-api-key': key };
    if (payload) Object.assign(headers, { 'content-type': 'application/json', 'content-length': payload.length });
    const req = http.request({ host: '127.0.0.1', port, method, path, headers }, (r) => { let t = ''; r.on('data', (c) => (t += c)); r.on('end', () => res({ status: r.statusCode, body: t ? JSON.parse(t) : null })); });
    req.on('error', rej); if (payload) req.write(payload); req.end();
  });
}
const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))]; };

async function main() {
  const mockDir = mkdtempSync(join(tmpdir(), 'kafka-mock-'));
  const bootstrap = execFileSync(join(ROOT, 'scripts/kafka-mock.sh'), ['start', '3'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } }).toString().trim();
  const dataDir = mkdtempSync(join(tmpdir(), 'dm-bench-kafka-'));
  const port = await freePortPair();
  // `*_URL` of every service of the resource registry (the built contracts), each on a free port.
  const { SERVICE_NAMES, SERVICES } = require('../libs/shared/contracts/dist');
  const serviceUrls = {};
  for (const s of SERVICE_NAMES) serviceUrls[SERVICES[s].urlVariable] = `127.0.0.1:${await freePortPair()}`;
  const env = { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '', GATEWAY_PORT: String(port), EMBEDDED_POSTGRES_PORT: String(await freePortPair()), ...serviceUrls, LOG_LEVEL: 'warn', KAFKA_BROKERS: bootstrap, KAFKA_TOPIC_PREFIX: 'bench', KAFKAJS_NO_PARTITIONER_WARNING: '1' };
  const launcher = spawn(process.execPath, [join(ROOT, 'apps/launcher/dist/main.js')], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise((res, rej) => { let out = ''; launcher.stdout.on('data', (c) => { out += c; if (out.includes('Datamingle is running')) res(); for (const l of String(c).split('\n')) if (l.startsWith('{"level"')) process.stderr.write(l.slice(0, 400) + '\n'); }); launcher.once('exit', (c) => rej(new Error(`launcher exited ${c}`))); });
  const admin = (...a) => execFileSync(process.execPath, [join(ROOT, 'apps/launcher/dist/admin.js'), ...a], { env, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  const kafka = new Kafka({ clientId: 'bench', brokers: bootstrap.split(','), logLevel: logLevel.NOTHING });
  const consumer = kafka.consumer({ groupId: `bench-${Date.now()}`, maxWaitTimeInMs: 50, maxBytes: 50 * 1024 * 1024 });
  try {
    admin('tenant', 'create', 'acme');
    const key = admin('key', 'create', '--tenant', 'acme', '--name', 'bench');
    await request(port, 'POST', '/api/integrations/v1/products/', key, { sku: 'B-1' });
    const arrivals = new Map();
    let inventoryEvents = 0;
    let lastInventoryAt = 0;
    await consumer.connect();
    await consumer.subscribe({ topic: 'bench.orders.events.v1', fromBeginning: true });
    await consumer.subscribe({ topic: 'bench.inventory.events.v1', fromBeginning: true });
    await consumer.run({
      partitionsConsumedConcurrently: 4,
      eachBatch: async ({ batch }) => {
        const now = performance.now();
        for (const m of batch.messages) {
          const type = m.headers['event-type'].toString();
          if (type === 'OrderCreated') arrivals.set(JSON.parse(m.value.toString()).data.order_number, now);
          else if (type === 'InventoryLevelSet') { inventoryEvents++; lastInventoryAt = now; }
        }
      },
    });
    // Let the consumer join its group before measuring.
    await request(port, 'POST', '/api/integrations/v1/orders/', key, { order_number: 'WARM', items: [{ sku_code: 'B-1', quantity: 1 }] });
    const t0 = Date.now(); while (!arrivals.has('WARM') && Date.now() - t0 < 60000) await new Promise((r) => setTimeout(r, 50));

    // 1. delay 201 → readable on the topic, 1,000 creates at ~100/s from 4 workers
    const created = new Map();
    let n = 0;
    await Promise.all(Array.from({ length: 4 }, async () => {
      while (n < 1000) {
        const i = n++;
        const r = await request(port, 'POST', '/api/integrations/v1/orders/', key, { order_number: `D-${i}`, items: [{ sku_code: 'B-1', quantity: 1 }] });
        if (r.status !== 201) throw new Error(`create failed: ${r.status}`);
        created.set(`D-${i}`, performance.now());
        await new Promise((res) => setTimeout(res, 40));
      }
    }));
    const t1 = Date.now(); while ([...created.keys()].some((k) => !arrivals.has(k)) && Date.now() - t1 < 60000) await new Promise((r) => setTimeout(r, 50));
    const delays = [...created].filter(([k]) => arrivals.has(k)).map(([k, t]) => arrivals.get(k) - t);
    console.log(`delay 201 → topic over ${delays.length} creates: p50 ${pct(delays, 50).toFixed(0)} ms, p99 ${pct(delays, 99).toFixed(0)} ms, max ${Math.max(...delays).toFixed(0)} ms`);

    // 2. relay throughput: 50,000 events stored by one bulk request
    for (let l = 0; l < 100; l++) await request(port, 'POST', '/api/integrations/v1/locations/', key, { code: `L-${l}` });
    for (let p = 0; p < 500; p += 25) await Promise.all(Array.from({ length: 25 }, (_, i) => request(port, 'POST', '/api/integrations/v1/products/', key, { sku: `S-${p + i}` })));
    const rows = []; for (let l = 0; l < 100; l++) for (let p = 0; p < 500; p++) rows.push({ location_code: `L-${l}`, sku_code: `S-${p}`, quantity: p + 1 });
    const before = inventoryEvents;
    const bulk = await request(port, 'POST', '/api/integrations/v1/inventory/', key, { inventory: rows });
    const committedAt = performance.now();
    if (bulk.status !== 200) throw new Error(`bulk failed: ${bulk.status}`);
    const t2 = Date.now(); while (inventoryEvents - before < 50000 && Date.now() - t2 < 120000) await new Promise((r) => setTimeout(r, 100));
    const seconds = (lastInventoryAt - committedAt) / 1000;
    console.log(`relay: ${inventoryEvents - before} events on the topic ${seconds.toFixed(2)} s after the bulk commit → ${Math.round((inventoryEvents - before) / seconds)} events/s`);

    // 3. rebuild rate
    const r0 = performance.now();
    const result = JSON.parse(execFileSync(process.execPath, [join(ROOT, 'apps/launcher/dist/admin.js'), 'projections', 'rebuild', '--service', 'inventory'], { env }).toString());
    const rs = (performance.now() - r0) / 1000;
    const total = result.reduce((a, r) => a + r.events, 0);
    console.log(`rebuild inventory: ${total} events in ${rs.toFixed(2)} s (CLI start included) → ${Math.round(total / rs)} events/s`);
  } finally {
    await consumer.disconnect().catch(() => undefined);
    launcher.kill('SIGTERM');
    await new Promise((res) => launcher.once('exit', res));
    execFileSync(join(ROOT, 'scripts/kafka-mock.sh'), ['stop'], { env: { ...process.env, KAFKA_MOCK_DIR: mockDir } });
    rmSync(dataDir, { recursive: true, force: true });
  }
}
main().then(() => process.exit(0), (e) => { console.error(e); process.exit(1); });
