/** Thrown by a dispatcher when a backend the request needs is unavailable (→ 503). */
export class ServiceUnavailableError extends Error {
  constructor(
    message = 'Service unavailable',
    /** Whole seconds the caller should wait; 30 unless the platform knows better (limits-and-versioning.md §5). */
    readonly retryAfterSeconds = 30,
  ) {
    super(message);
    this.name = 'ServiceUnavailableError';
  }
}

/** Thrown by a dispatcher when processing exceeded the platform's time limit (→ 504). */
export class ServiceTimeoutError extends Error {
  constructor(message = 'Service timed out') {
    super(message);
    this.name = 'ServiceTimeoutError';
  }
}
