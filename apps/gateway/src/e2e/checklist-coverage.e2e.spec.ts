/**
 * Keeps the gateway e2e suite honest against the spec's "Conformance checklist"
 * (/work/shared/spec/README.md, i.e. `../shared/spec/README.md` next to the repository root):
 * every in-scope checklist item must have at least one e2e test named `#<n> …`
 * (`it('#<n> …')`) in a `*.e2e.spec.ts` file of this folder. Items that belong to later issues
 * are listed explicitly as out of scope, and a checklist item that is neither covered nor listed
 * makes this test fail. A missing spec file is a failure, never a silent pass.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** apps/gateway/src/e2e → repository root. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const SPEC_README = resolve(REPO_ROOT, '..', 'shared', 'spec', 'README.md');
const E2E_DIR = __dirname;

/** Checklist items covered by later issues (partners and mappings, concurrency/rate limits, integration logs). */
const OUT_OF_SCOPE: Record<number, string> = {
  60: 'partner keys: forward field mapping',
  61: 'partner keys: reverse-mapped records and error paths',
  62: 'partner keys: MAPPING_ERROR',
  63: 'partner keys: identifier resolution',
  64: 'per-key concurrency limit and queue timeout',
  65: 'per-key rate limit',
  66: 'integration logs',
};
const IN_SCOPE_LAST = 59;

/** The numbers of the items of the "Conformance checklist" section, in document order. */
function checklistItems(markdown: string): number[] {
  const start = markdown.search(/^## Conformance checklist\s*$/m);
  if (start < 0) throw new Error(`${SPEC_README} has no "## Conformance checklist" section`);
  const rest = markdown.slice(start).split('\n').slice(1);
  const end = rest.findIndex((line) => /^## /.test(line));
  const section = end < 0 ? rest : rest.slice(0, end);
  return section.map((line) => /^(\d+)\. \S/.exec(line)).filter((m): m is RegExpExecArray => m !== null).map((m) => Number(m[1]));
}

/** checklist number → files with a test named `#<n> …` (it / test, not skipped). */
function coveredItems(): Map<number, string[]> {
  const covered = new Map<number, string[]>();
  const files = readdirSync(E2E_DIR).filter((f) => f.endsWith('.e2e.spec.ts'));
  for (const file of files) {
    const source = readFileSync(join(E2E_DIR, file), 'utf8');
    for (const m of source.matchAll(/(?<![\w.])(?:it|test)(?:\.only)?\(\s*(['"`])#(\d+)\s/g)) {
      const n = Number(m[2]);
      covered.set(n, [...new Set([...(covered.get(n) ?? []), file])]);
    }
  }
  return covered;
}

describe('conformance checklist coverage', () => {
  it(`every checklist item 1–${IN_SCOPE_LAST} has an e2e test named "#<n> …"; items 60–66 are explicitly out of scope`, () => {
    if (!existsSync(SPEC_README)) {
      throw new Error(
        `The conformance checklist was not found at ${SPEC_README}. This test needs the shared spec folder next to the repository ` +
          `(../shared/spec/README.md from the repository root); a clone without it cannot prove checklist coverage.`,
      );
    }
    const items = checklistItems(readFileSync(SPEC_README, 'utf8'));
    expect(items.length).toBeGreaterThan(0);
    // The checklist is numbered 1..N without gaps or repeats.
    expect(items).toEqual(Array.from({ length: items.length }, (_, i) => i + 1));

    // Every checklist item is either in scope (1..59) or listed as out of scope; nothing unclassified.
    const unclassified = items.filter((n) => n > IN_SCOPE_LAST && !(n in OUT_OF_SCOPE));
    expect({ unclassified }).toEqual({ unclassified: [] });
    // Out-of-scope entries must exist in the checklist (no stale entries).
    expect(Object.keys(OUT_OF_SCOPE).map(Number).filter((n) => !items.includes(n))).toEqual([]);

    const covered = coveredItems();
    const missing = items.filter((n) => n <= IN_SCOPE_LAST && !covered.has(n));
    expect({ missing }).toEqual({ missing: [] });
    // Numbers used in test names must be checklist items.
    expect({ unknownNumbers: [...covered.keys()].filter((n) => !items.includes(n)).sort((a, b) => a - b) }).toEqual({ unknownNumbers: [] });
  });
});
