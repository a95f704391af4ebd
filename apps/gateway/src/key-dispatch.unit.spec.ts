import { KeyDispatch } from './key-dispatch';

/** A call that finishes when told. */
function deferred() {
  let finish!: () => void;
  const done = new Promise<void>((r) => (finish = r));
  return { done, finish };
}

const tick = () => new Promise((r) => setImmediate(r));

describe('KeyDispatch', () => {
  it("holds a key's calls beyond the cap, first in first out, while other keys pass", async () => {
    const dispatch = new KeyDispatch(2);
    const started: string[] = [];
    const calls = new Map<string, ReturnType<typeof deferred>>();
    const call = (tenant: string, name: string) =>
      dispatch.run(tenant, async () => {
        started.push(name);
        const d = deferred();
        calls.set(name, d);
        await d.done;
        return name;
      });
    const results = [call('hot', 'h1'), call('hot', 'h2'), call('hot', 'h3'), call('hot', 'h4'), call('calm', 'c1')];
    await tick();
    expect(started).toEqual(['h1', 'h2', 'c1']);
    expect(dispatch.load('hot')).toEqual({ active: 2, waiting: 2 });
    calls.get('h2')!.finish();
    await tick();
    expect(started).toEqual(['h1', 'h2', 'c1', 'h3']);
    calls.get('h1')!.finish();
    await tick();
    expect(started).toEqual(['h1', 'h2', 'c1', 'h3', 'h4']);
    for (const name of ['h3', 'h4', 'c1']) calls.get(name)!.finish();
    expect(await Promise.all(results)).toEqual(['h1', 'h2', 'h3', 'h4', 'c1']);
    expect(dispatch.load('hot')).toEqual({ active: 0, waiting: 0 });
  });

  it('frees the turn when a call fails', async () => {
    const dispatch = new KeyDispatch(1);
    await expect(dispatch.run('t', async () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await dispatch.run('t', async () => 'next')).toBe('next');
    expect(dispatch.load('t')).toEqual({ active: 0, waiting: 0 });
  });

  it('refuses a cap that is not a positive integer', () => {
    expect(() => new KeyDispatch(0)).toThrow(RangeError);
  });
});
