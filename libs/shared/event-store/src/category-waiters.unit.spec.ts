import { CategoryWaiters } from './category-waiters';

/** Whether `p` settled within the current macrotask turn(s). */
async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('CategoryWaiters', () => {
  it('wakes the waiters of the announced categories and every unfiltered waiter, nobody else', async () => {
    const w = new CategoryWaiters(false);
    const orders = w.wait(60_000, undefined, ['orders']);
    const products = w.wait(60_000, undefined, ['products', 'locations']);
    const any = w.wait(60_000);
    w.announce(['locations']);
    expect(await settled(orders)).toBe(false);
    expect(await settled(products)).toBe(true);
    expect(await settled(any)).toBe(true);
    w.announce(null); // unknown categories: everyone
    expect(await settled(orders)).toBe(true);
  });

  it('resolves by the timeout and when the signal aborts', async () => {
    const w = new CategoryWaiters(false);
    const started = Date.now();
    await w.wait(30, undefined, ['orders']);
    expect(Date.now() - started).toBeGreaterThanOrEqual(25);
    await w.wait(60_000, AbortSignal.abort());
    const controller = new AbortController();
    const waiting = w.wait(60_000, controller.signal, ['orders']);
    controller.abort();
    expect(await settled(waiting)).toBe(true);
  });

  it('with keepPending, remembers an announcement nobody of its category heard, for the next wait of that category only', async () => {
    const w = new CategoryWaiters(true);
    w.announce(['orders']);
    expect(await settled(w.wait(60_000, undefined, ['products']))).toBe(false);
    expect(await settled(w.wait(60_000, undefined, ['orders']))).toBe(true);
    // Consumed: the next orders wait sleeps.
    const again = w.wait(60_000, undefined, ['orders']);
    expect(await settled(again)).toBe(false);
    w.wakeAll();
    expect(await settled(again)).toBe(true);
  });

  it('without keepPending, an announcement nobody waited for is forgotten', async () => {
    const w = new CategoryWaiters(false);
    w.announce(['orders']);
    const waiting = w.wait(60_000, undefined, ['orders']);
    expect(await settled(waiting)).toBe(false);
    w.wakeAll();
    await waiting;
  });

  it('an announcement heard by a waiter is not left pending', async () => {
    const w = new CategoryWaiters(true);
    const first = w.wait(60_000, undefined, ['orders']);
    w.announce(['orders']);
    await first;
    const second = w.wait(60_000, undefined, ['orders']);
    expect(await settled(second)).toBe(false);
    w.wakeAll();
    await second;
  });
});
