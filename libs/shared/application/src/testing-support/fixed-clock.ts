import { Clock } from '../clock';

/** A clock the test sets and moves. */
export class FixedClock extends Clock {
  constructor(private current: Date = new Date('2026-01-02T03:04:05.678Z')) {
    super();
  }

  now(): Date {
    return this.current;
  }

  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}
