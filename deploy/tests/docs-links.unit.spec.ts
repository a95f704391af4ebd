import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * The repository stands on its own: every relative link in the README and in docs/ points at a
 * file of this repository, and no document sends the reader to a folder outside it.
 */
const ROOT = resolve(__dirname, '..', '..');
const DOCUMENTS = ['README.md', 'deploy/README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

function relativeLinks(markdown: string): string[] {
  return [...markdown.matchAll(/\]\(([^)\s]+)\)/g)]
    .map((m) => m[1]!)
    .filter((href) => !/^[a-z]+:/i.test(href) && !href.startsWith('#'))
    .map((href) => href.split('#')[0]!);
}

describe('documentation links', () => {
  it.each(DOCUMENTS)('%s links only to files of this repository', (doc) => {
    const text = readFileSync(join(ROOT, doc), 'utf8');
    const missing = relativeLinks(text).filter((href) => {
      const target = resolve(dirname(join(ROOT, doc)), href);
      return !target.startsWith(ROOT + '/') || !existsSync(target);
    });
    expect(missing).toEqual([]);
    // No pointer to a sibling folder of the checkout (such as a spec kept beside it).
    expect(text).not.toMatch(/\.\.\/shared\//);
  });
});
