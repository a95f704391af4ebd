import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';
import { EventStoreUnavailableError, WriteAppliedError, WriteInDoubtError } from '@datamingle/event-store';
import { DependencyUnavailableError, isUnavailable, replyOf, ServiceMessageController } from './failures';
import type { Logger } from './logger';

const GATEWAY_TIMEOUT = {
  ok: false,
  error: {
    code: 'GATEWAY_TIMEOUT',
    message: 'The request did not complete within 60 seconds. It may still be applied; check the record before retrying.',
  },
};
const SERVICE_UNAVAILABLE = {
  ok: false,
  error: { code: 'SERVICE_UNAVAILABLE', message: 'The service is temporarily unavailable. Retry after 30 seconds.', details: { retry_after: 30 } },
};
const INTERNAL_ERROR = { ok: false, error: { code: 'INTERNAL_ERROR', message: expect.any(String) } };

function recordingLogger() {
  const entries: Array<{ level: string; msg: string; fields: Record<string, unknown> }> = [];
  const logger = {
    warn: (msg: string, fields: Record<string, unknown> = {}) => entries.push({ level: 'warn', msg, fields }),
    error: (msg: string, fields: Record<string, unknown> = {}) => entries.push({ level: 'error', msg, fields }),
  } as unknown as Logger;
  return { logger, entries };
}

const connectionLost = () => new EventStoreUnavailableError('PostgreSQL event store unavailable: Connection terminated unexpectedly');
const tick = () => new Promise((r) => setImmediate(r));

describe('replyOf: the reply of a failed request follows what its error says about its writes', () => {
  it('answers 503 for an unreachable dependency when nothing was written (reads, failures before any commit-bearing write)', async () => {
    const { logger, entries } = recordingLogger();
    expect(await replyOf(() => Promise.reject(connectionLost()), logger, { request_id: 'r-1' })).toEqual(SERVICE_UNAVAILABLE);
    expect(await replyOf(() => Promise.reject(Object.assign(new Error('x'), { code: 'ECONNREFUSED' })), logger, {})).toEqual(SERVICE_UNAVAILABLE);
    // A pooled connection that broke before the query was sent (node-postgres refuses to send it).
    expect(await replyOf(() => Promise.reject(new Error('Client has encountered a connection error and is not queryable')), logger, {})).toEqual(
      SERVICE_UNAVAILABLE,
    );
    expect(entries.map((e) => e.level)).toEqual(['warn', 'warn', 'warn']);
    expect(entries[0]!.fields['request_id']).toBe('r-1');
    expect(entries[0]!.fields).not.toHaveProperty('write_outcome');
  });

  it('answers 503 when the commit-bearing write was definitively not applied (adapters throw that failure as it is)', async () => {
    const { logger } = recordingLogger();
    const reply = await replyOf(
      async () => {
        await tick();
        // e.g. an append refused because the pooled connection broke before it was sent
        throw new EventStoreUnavailableError('PostgreSQL event store unavailable', new Error('Client was closed and is not queryable'));
      },
      logger,
      {},
    );
    expect(reply).toEqual(SERVICE_UNAVAILABLE);
  });

  it('answers 504 GATEWAY_TIMEOUT when the connection was lost while the commit-bearing write ran (in doubt), logged at warn with the request id', async () => {
    const { logger, entries } = recordingLogger();
    const cause = connectionLost();
    const reply = await replyOf(
      async () => {
        await tick();
        throw new WriteInDoubtError(cause); // sent; its result never arrived
      },
      logger,
      { request_id: 'req-in-doubt', pattern: 'orders.create' },
    );
    expect(reply).toEqual(GATEWAY_TIMEOUT);
    expect(entries).toEqual([
      {
        level: 'warn',
        msg: expect.stringContaining('504'),
        // Logged with the failure itself; write_outcome says what it means.
        fields: expect.objectContaining({ request_id: 'req-in-doubt', write_outcome: 'in_doubt', error: cause }),
      },
    ]);
  });

  it('answers 504 when the write was applied and a later step (the projection) lost the database', async () => {
    const { logger, entries } = recordingLogger();
    const reply = await replyOf(
      async () => {
        await tick();
        throw new WriteAppliedError(new Error('Connection terminated unexpectedly'));
      },
      logger,
      { request_id: 'req-applied' },
    );
    expect(reply).toEqual(GATEWAY_TIMEOUT);
    expect(entries[0]).toMatchObject({ level: 'warn', fields: { request_id: 'req-applied', write_outcome: 'applied' } });
  });

  it('answers 504, not 500, for an unexpected failure after an applied write (500 promises the write was rolled back), logged at error', async () => {
    const { logger, entries } = recordingLogger();
    const reply = await replyOf(
      async () => {
        throw new WriteAppliedError(new TypeError('bug in the projection'));
      },
      logger,
      {},
    );
    expect(reply).toEqual(GATEWAY_TIMEOUT);
    expect(entries[0]).toMatchObject({ level: 'error', fields: { write_outcome: 'applied' } });
  });

  it('recognises the write-outcome errors by name too (another copy of the event-store module)', async () => {
    const { logger, entries } = recordingLogger();
    const foreign = Object.assign(new Error('in doubt'), { name: 'WriteInDoubtError', cause: connectionLost() });
    expect(await replyOf(() => Promise.reject(foreign), logger, {})).toEqual(GATEWAY_TIMEOUT);
    expect(entries[0]).toMatchObject({ level: 'warn', fields: { write_outcome: 'in_doubt' } });
  });

  it('answers 500 for an unexpected failure without writes', async () => {
    const { logger, entries } = recordingLogger();
    expect(await replyOf(() => Promise.reject(new TypeError('bug')), logger, {})).toEqual(INTERNAL_ERROR);
    expect(entries[0]!.level).toBe('error');
  });

  it('passes replies through, whatever the writes did', async () => {
    const { logger, entries } = recordingLogger();
    const ok: ServiceReply = { ok: true, status: 201, data: { id: 1 } };
    expect(await replyOf(async () => ok, logger, {})).toBe(ok);
    const rejected: ServiceReply = { ok: false, error: { code: 'CONFLICT', message: 'x' } };
    expect(await replyOf(async () => rejected, logger, {})).toBe(rejected);
    expect(entries).toEqual([]);
  });

  it('keeps concurrent requests apart: a read failing next to an in-doubt write still answers 503', async () => {
    const { logger } = recordingLogger();
    let fail!: () => void;
    const failing = new Promise<never>((_, reject) => (fail = () => reject(connectionLost())));
    const write = replyOf(
      () =>
        failing.catch((error: unknown) => {
          throw new WriteInDoubtError(error);
        }),
      logger,
      {},
    );
    const read = replyOf(() => failing, logger, {});
    fail();
    expect(await write).toEqual(GATEWAY_TIMEOUT);
    expect(await read).toEqual(SERVICE_UNAVAILABLE);
  });

  it('treats another service being unreachable like any unavailability', async () => {
    const { logger, entries } = recordingLogger();
    expect(await replyOf(() => Promise.reject(new DependencyUnavailableError('catalog down')), logger, {})).toEqual(SERVICE_UNAVAILABLE);
    expect(await replyOf(() => Promise.reject(new WriteInDoubtError(new DependencyUnavailableError('catalog down'))), logger, {})).toEqual(
      GATEWAY_TIMEOUT,
    );
    expect(entries.map((e) => e.level)).toEqual(['warn', 'warn']);
  });
});

describe('isUnavailable', () => {
  it('judges a write-outcome error by its cause', () => {
    expect(isUnavailable(new WriteInDoubtError(connectionLost()))).toBe(true);
    expect(isUnavailable(new WriteAppliedError(Object.assign(new Error('x'), { code: '57P01' })))).toBe(true);
    expect(isUnavailable(new WriteAppliedError(new TypeError('bug')))).toBe(false);
    expect(isUnavailable(Object.assign(new Error('x'), { name: 'WriteInDoubtError', cause: new DependencyUnavailableError('down') }))).toBe(true);
  });
});

describe('ServiceMessageController.run', () => {
  class Controller extends ServiceMessageController {
    call(request: ServiceRequest, execute: () => Promise<ServiceReply>) {
      return this.run('orders.create', request, execute);
    }
  }

  it('classifies each request by its own failure and logs its request id', async () => {
    const { logger, entries } = recordingLogger();
    const controller = new Controller(logger);
    const request = { requestId: 'req-42', tenantId: 't-1', body: {} } as unknown as ServiceRequest;
    const reply = await controller.call(request, async () => {
      throw new WriteInDoubtError(connectionLost());
    });
    expect(reply).toEqual(GATEWAY_TIMEOUT);
    expect(entries[0]!.fields).toMatchObject({ pattern: 'orders.create', request_id: 'req-42', tenant_id: 't-1', write_outcome: 'in_doubt' });
    expect(await controller.call(request, () => Promise.reject(connectionLost()))).toEqual(SERVICE_UNAVAILABLE);
  });
});
