/**
 * Keeps the gateway e2e suite honest against the spec's "Conformance checklist" (the numbered list
 * at the end of the spec's README; the spec lives outside this repository, beside it as
 * `../shared/spec/`). The checklist's item numbers are kept here, each either in scope — it must
 * have at least one e2e test named `#<n> …` (`it('#<n> …')`) in a `*.e2e.spec.ts` file of this
 * folder — or listed with the issue that will cover it. The coverage check runs in any clone; the
 * check that this list still matches the spec runs wherever the spec is beside the repository
 * (developer machines and CI), and is reported as skipped in a clone without it.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** apps/gateway/src/e2e → repository root. */
const REPO_ROOT = resolve(__dirname, '..', '..', '..', '..');
const SPEC_README = resolve(REPO_ROOT, '..', 'shared', 'spec', 'README.md');
const E2E_DIR = __dirname;

/** The checklist's items, 1..CHECKLIST_LAST. */
const CHECKLIST_LAST = 90;

/** Checklist items covered by later issues; every other item is in scope (none left). */
const OUT_OF_SCOPE: Record<number, string> = {};

const CHECKLIST = Array.from({ length: CHECKLIST_LAST }, (_, i) => i + 1);
const IN_SCOPE = CHECKLIST.filter((n) => !(n in OUT_OF_SCOPE));

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
  it(`every checklist item 1–${CHECKLIST_LAST} not listed with its issue has an e2e test named "#<n> …"`, () => {
    // Only checklist items are listed as out of scope.
    expect(Object.keys(OUT_OF_SCOPE).map(Number).filter((n) => !CHECKLIST.includes(n))).toEqual([]);

    const covered = coveredItems();
    const missing = IN_SCOPE.filter((n) => !covered.has(n));
    expect({ missing }).toEqual({ missing: [] });
    // Numbers used in test names must be checklist items.
    expect({ unknownNumbers: [...covered.keys()].filter((n) => !CHECKLIST.includes(n)).sort((a, b) => a - b) }).toEqual({ unknownNumbers: [] });
  });

  (existsSync(SPEC_README) ? it : it.skip)('the list above is the checklist of the spec beside the repository (../shared/spec/README.md)', () => {
    const items = checklistItems(readFileSync(SPEC_README, 'utf8'));
    // Numbered 1..N without gaps or repeats, and exactly the items classified here: a new item
    // fails this test until it is classified (in scope with a test, or listed with its issue).
    expect(items).toEqual(CHECKLIST);
  });
});
