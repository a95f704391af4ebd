/** What `within` rejects with when the time is up (the promise's own rejections pass through). */
export const ELAPSED = Symbol('elapsed');

/** `promise`, or a rejection with ELAPSED after `ms` if it has not settled by then; leaves no timer behind. */
export function within<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(ELAPSED), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
