#!/usr/bin/env node
/**
 * Micro-benchmark of the field-mapping engine (libs/shared/mapping): forward mapping of an
 * inventory bulk body of 10,000 and 50,000 rows with a template-like mapping (Acumatica's
 * inventory template: nested `Results` → `inventory`, three element renames, a static `source`),
 * against `JSON.parse` of the same body text; plus the reverse mapping of as many inventory
 * records and the one-off compile.
 *
 *   npx tsc --build tsconfig.build.json && node bench/mapping.cjs [--rounds 15]
 *
 * Prints min / median / max milliseconds per operation (after warm-up rounds).
 */
const { join } = require('node:path');
const { compileMapping, templateMapping } = require(join(__dirname, '..', 'libs', 'shared', 'mapping', 'dist', 'index.js'));

const args = process.argv.slice(2);
const ROUNDS = Number(args.includes('--rounds') ? args[args.indexOf('--rounds') + 1] : 15);
const WARMUP = 5;

function body(rows) {
  const results = new Array(rows);
  for (let i = 0; i < rows; i++) results[i] = { LocationID: `LOC-${i % 500}`, InventoryID: `SKU-${String(i).padStart(6, '0')}`, OnHand: i % 1000 };
  return JSON.stringify({ Results: results, notes: 'nightly sync' });
}

function time(fn) {
  const samples = [];
  for (let i = 0; i < WARMUP + ROUNDS; i++) {
    const start = process.hrtime.bigint();
    fn();
    const ms = Number(process.hrtime.bigint() - start) / 1e6;
    if (i >= WARMUP) samples.push(ms);
  }
  samples.sort((a, b) => a - b);
  return { min: samples[0], median: samples[Math.floor(samples.length / 2)], max: samples[samples.length - 1] };
}

const fmt = (t) => `${t.min.toFixed(1).padStart(7)} ${t.median.toFixed(1).padStart(7)} ${t.max.toFixed(1).padStart(7)}`;

const definition = templateMapping('acumatica', 'inventory');
const compile = time(() => compileMapping(definition));
const mapping = compileMapping(definition);
console.log(`node ${process.version}, ${ROUNDS} rounds after ${WARMUP} warm-up; ms: min median max`);
console.log(`compileMapping (acumatica inventory)      ${fmt(compile)}`);
for (const rows of [10_000, 50_000]) {
  const text = body(rows);
  const parsed = JSON.parse(text);
  const check = mapping.forward(parsed, 'POST');
  if (!check.ok || check.value.inventory.length !== rows || check.value.inventory[rows - 1].quantity !== (rows - 1) % 1000 || check.value.source !== 'erp_sync') {
    throw new Error('the forward mapping did not produce the expected body');
  }
  const records = check.value.inventory.map((r) => ({ ...r, updated_at: '2026-04-16T10:00:00.000000Z' }));
  const label = String(rows).padStart(6);
  console.log(`${label} rows  JSON.parse of the body (${(text.length / 1e6).toFixed(1)} MB)  ${fmt(time(() => JSON.parse(text)))}`);
  console.log(`${label} rows  forward mapping (POST)           ${fmt(time(() => mapping.forward(parsed, 'POST')))}`);
  console.log(`${label} rows  reverse of the inventory records ${fmt(time(() => records.map(mapping.reverseInventoryRecord)))}`);
}
