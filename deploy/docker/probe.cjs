#!/usr/bin/env node
// Health check for docker-compose (the slim image has no curl): `node deploy/docker/probe.cjs URL`
// exits 0 when URL answers 200 within 3 s, else 1.
'use strict';
const http = require('node:http');

const url = process.argv[2];
if (!url) {
  process.stderr.write('usage: probe.cjs http://127.0.0.1:PORT/readyz\n');
  process.exit(2);
}
const req = http.get(url, { timeout: 3000 }, (res) => {
  res.resume();
  process.exit(res.statusCode === 200 ? 0 : 1);
});
req.on('timeout', () => req.destroy(new Error('timed out')));
req.on('error', (error) => {
  process.stderr.write(`${url}: ${error.message}\n`);
  process.exit(1);
});
