/** The time a use case stamps on what it decides (a port: tests fix it, services use the system clock). */
export abstract class Clock {
  abstract now(): Date;
}

export class SystemClock extends Clock {
  now(): Date {
    return new Date();
  }
}
