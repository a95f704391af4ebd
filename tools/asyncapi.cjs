#!/usr/bin/env node
// Writes docs/asyncapi.json from the event type registry (build first: npm run build).
const { writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { buildAsyncApiDocument } = require('../libs/shared/messaging/dist/index.js');
writeFileSync(join(__dirname, '..', 'docs', 'asyncapi.json'), JSON.stringify(buildAsyncApiDocument(process.env.KAFKA_TOPIC_PREFIX || 'datamingle'), null, 2) + '\n');
console.log('docs/asyncapi.json written');
