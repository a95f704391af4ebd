#!/usr/bin/env node
/**
 * The bare baselines of the hot paths (issue: the hot paths at the machine's limit): one process,
 * Fastify + pg, against the same PostgreSQL the platform uses in the same run, doing the least a
 * request must do —
 *
 * - `GET /orders/:id/`: one indexed look-up of the order's stored document by its external id
 *   or order number within a tenant, answered in the integration API's envelope;
 * - `POST /orders/`: parse the JSON body, then one transaction that appends the event (the
 *   stream's first revision, unique per stream) and writes the read-model row, with PostgreSQL's
 *   durable commit (synchronous_commit on, as the platform's), answered `201` with the record.
 *
 * No authentication, tenant resolution, validation, mapping, logging or second process: the
 * ratio of the platform to these is what those cost. Run by bench/run.cjs:
 *
 *   DATABASE_URL=postgres://... PORT=... node bench/bare-baseline.cjs
 *
 * Prints `listening <port>` once ready.
 */
const { randomUUID } = require('node:crypto');
const Fastify = require('fastify');
const { Pool } = require('pg');

const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.POOL_SIZE || 10) });
const TENANT = '00000000-0000-4000-8000-000000000001';

async function setup() {
  await pool.query(`
    DROP SCHEMA IF EXISTS bench_bare CASCADE;
    CREATE SCHEMA bench_bare;
    CREATE TABLE bench_bare.events (
      global_position bigserial PRIMARY KEY,
      stream_name text NOT NULL,
      revision bigint NOT NULL,
      type text NOT NULL,
      data jsonb NOT NULL,
      metadata jsonb NOT NULL,
      recorded_at timestamptz NOT NULL DEFAULT now(),
      UNIQUE (stream_name, revision)
    );
    CREATE TABLE bench_bare.orders (
      tenant_id uuid NOT NULL,
      id uuid NOT NULL,
      order_number text NOT NULL,
      external_order_id text,
      document jsonb NOT NULL,
      PRIMARY KEY (tenant_id, id),
      UNIQUE (tenant_id, order_number)
    );
    CREATE UNIQUE INDEX ON bench_bare.orders (tenant_id, external_order_id) WHERE external_order_id IS NOT NULL;
  `);
}

function envelope(data) {
  return JSON.stringify({ success: true, data, request_id: randomUUID() });
}

async function main() {
  await setup();
  const app = Fastify({ logger: false });

  app.get('/orders/:id/', async (req, reply) => {
    const { rows } = await pool.query({
      name: 'bare-get',
      text: 'SELECT document FROM bench_bare.orders WHERE tenant_id = $1 AND (external_order_id = $2 OR order_number = $2) LIMIT 1',
      values: [TENANT, req.params.id],
    });
    reply.header('content-type', 'application/json; charset=utf-8');
    if (rows.length === 0) return reply.code(404).send(JSON.stringify({ success: false, error: { code: 'NOT_FOUND', message: 'Order not found.' } }));
    return reply.send(envelope(rows[0].document));
  });

  app.post('/orders/', async (req, reply) => {
    const body = req.body;
    const id = randomUUID();
    const now = new Date().toISOString();
    const document = {
      id,
      order_number: body.order_number,
      external_order_id: body.external_order_id ?? null,
      customer_name: body.customer_name ?? null,
      status: 'pending',
      items: (body.items ?? []).map((item, i) => ({ line: i + 1, sku_code: item.sku_code, quantity: item.quantity })),
      created_at: now,
      updated_at: now,
    };
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      await client.query({
        name: 'bare-append',
        text: 'INSERT INTO bench_bare.events (stream_name, revision, type, data, metadata) VALUES ($1, 0, $2, $3, $4)',
        values: [`order-${TENANT}-${body.order_number}`, 'OrderCreated', document, { request_id: randomUUID() }],
      });
      await client.query({
        name: 'bare-project',
        text: 'INSERT INTO bench_bare.orders (tenant_id, id, order_number, external_order_id, document) VALUES ($1, $2, $3, $4, $5)',
        values: [TENANT, id, document.order_number, document.external_order_id, document],
      });
      await client.query('COMMIT');
    } catch (error) {
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release();
    }
    reply.code(201).header('content-type', 'application/json; charset=utf-8');
    return reply.send(envelope(document));
  });

  const address = await app.listen({ port: Number(process.env.PORT || 0), host: '127.0.0.1' });
  process.stdout.write(`listening ${new URL(address).port}\n`);
  process.on('SIGTERM', () => void app.close().then(() => pool.end()).then(() => process.exit(0)));
}

main().catch((error) => {
  process.stderr.write(`bare-baseline: ${error.stack || error}\n`);
  process.exit(1);
});
