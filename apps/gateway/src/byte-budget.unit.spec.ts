import { ByteBudget } from './byte-budget';

describe('ByteBudget', () => {
  it('admits while there is room and refuses beyond it', () => {
    const budget = new ByteBudget(100);
    expect(budget.tryAcquire(60)).toBe(true);
    expect(budget.tryAcquire(50)).toBe(false);
    expect(budget.tryAcquire(40)).toBe(true);
    expect(budget.inUse).toBe(100);
    budget.release(60);
    expect(budget.inUse).toBe(40);
    expect(budget.tryAcquire(60)).toBe(true);
  });

  it('grants waiters in arrival order as bytes are released, and nobody jumps the queue', async () => {
    const budget = new ByteBudget(100);
    expect(budget.tryAcquire(100)).toBe(true);
    const order: string[] = [];
    const a = budget.acquire(70, 5_000).then((ok) => order.push(`a:${ok}`));
    const b = budget.acquire(20, 5_000).then((ok) => order.push(`b:${ok}`));
    // b would fit after a small release, but a is first in line.
    expect(budget.tryAcquire(1)).toBe(false);
    budget.release(30);
    await Promise.resolve();
    expect(order).toEqual([]);
    budget.release(70);
    await Promise.all([a, b]);
    expect(order).toEqual(['a:true', 'b:true']);
    expect(budget.inUse).toBe(90);
  });

  it('a wait that runs out answers false, takes nothing, and unblocks those behind it', async () => {
    jest.useFakeTimers();
    try {
      const budget = new ByteBudget(100);
      budget.tryAcquire(90);
      const big = budget.acquire(50, 1_000);
      const small = budget.acquire(10, 5_000);
      jest.advanceTimersByTime(1_000);
      expect(await big).toBe(false);
      expect(await small).toBe(true);
      expect(budget.inUse).toBe(100);
    } finally {
      jest.useRealTimers();
    }
  });

  it('refuses at once what can never fit, and a zero-length body costs nothing', async () => {
    const budget = new ByteBudget(100);
    expect(await budget.acquire(101, 10_000)).toBe(false);
    expect(budget.tryAcquire(0)).toBe(true);
    expect(budget.inUse).toBe(0);
    expect(() => new ByteBudget(0)).toThrow();
  });
});
