import { hashApiKey, ServiceUnavailableError, type KeyRecord, type Operation, type SecurityEvent } from '@datamingle/gateway-domain';
import type { ServiceRequest } from '@datamingle/contracts';
import { KeyUsage } from './key-usage';
import { createPipelineDeps, createReadinessChecks, type PipelineDepsParts } from './pipeline-deps';

const KEY = { id: 'key-1' } as KeyRecord;

function parts(overrides: Partial<PipelineDepsParts> = {}) {
  const marked: string[] = [];
  const recorded: SecurityEvent[] = [];
  const observed: [string, string, number][] = [];
  const errors: unknown[] = [];
  const base: PipelineDepsParts = {
    baseDomain: 'localhost',
    store: { findKeyByHash: async () => KEY, findMapping: async () => null },
    hmacSecret: () => 'secret',
    openApiJson: '{"openapi":"3.1.0"}',
    usage: { mark: (id) => void marked.push(id) },
    clients: { dispatch: async () => ({ ok: true, status: 200, body: {} }) as never },
    metrics: { observeServiceCall: (service, pattern, seconds) => void observed.push([service, pattern, seconds]) },
    securityEvents: { record: (e) => void recorded.push(e) },
    logger: { error: (_message, fields) => void errors.push(fields), warn: () => undefined },
  };
  return { parts: { ...base, ...overrides }, marked, recorded, observed, errors };
}

describe('createPipelineDeps', () => {
  it('turns a database error that isUnavailable recognises into ServiceUnavailableError (503)', async () => {
    const down = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const { parts: p } = parts({ store: { findKeyByHash: async () => Promise.reject(down), findMapping: async () => null } });
    const error = await createPipelineDeps(p).findKeyByHash('h').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ServiceUnavailableError);
    expect((error as Error).message).toBe('gateway database unavailable: connect ECONNREFUSED 127.0.0.1:5432');
  });

  it('rethrows any other lookup error as it is, and returns the key found', async () => {
    const bug = new TypeError('bug');
    expect(await createPipelineDeps(parts({ store: { findKeyByHash: async () => Promise.reject(bug), findMapping: async () => null } }).parts).findKeyByHash('h').catch((e: unknown) => e)).toBe(bug);
    expect(await createPipelineDeps(parts().parts).findKeyByHash('h')).toBe(KEY);
  });

  it('loads a mapping version once per process, keeps the version it really is, and answers null for a deleted mapping', async () => {
    const reads: string[] = [];
    const stored: Record<string, { version: string; definition: unknown }> = { m1: { version: 'm1:3', definition: { resource: 'orders' } } };
    const findMapping = async (tenantId: string, version: string) => {
      reads.push(`${tenantId}/${version}`);
      return stored[version.split(':')[0]!] ?? null;
    };
    const deps = createPipelineDeps(parts({ store: { findKeyByHash: async () => KEY, findMapping } }).parts);
    // The key named revision 2, the mapping is at 3 by now: the answer is revision 3, cached under it.
    expect(await deps.loadMapping('t1', 'm1:2')).toEqual({ version: 'm1:3', definition: { resource: 'orders' } });
    expect(await deps.loadMapping('t1', 'm1:3')).toEqual({ version: 'm1:3', definition: { resource: 'orders' } });
    expect(await deps.loadMapping('t1', 'm1:3')).toEqual({ version: 'm1:3', definition: { resource: 'orders' } });
    // Another tenant never shares an entry.
    expect(await deps.loadMapping('t2', 'm1:3')).toEqual({ version: 'm1:3', definition: { resource: 'orders' } });
    expect(await deps.loadMapping('t1', 'gone:1')).toBeNull();
    expect(reads).toEqual(['t1/m1:2', 't2/m1:3', 't1/gone:1']);
  });

  it('marks the usage of an authenticated key', () => {
    const { parts: p, marked } = parts();
    createPipelineDeps(p).onKeyAuthenticated?.(KEY, 'req-1');
    expect(marked).toEqual(['key-1']);
  });

  it('marks usage through KeyUsage, flushed in one write', async () => {
    const writes: string[][] = [];
    const usage = new KeyUsage({ markKeysUsed: async (ids) => void writes.push([...ids]) }, { warn: () => undefined });
    const deps = createPipelineDeps(parts({ usage }).parts);
    deps.onKeyAuthenticated?.(KEY, 'r1');
    deps.onKeyAuthenticated?.(KEY, 'r2');
    deps.onKeyAuthenticated?.({ id: 'key-2' } as KeyRecord, 'r3');
    await usage.stop();
    expect(writes).toEqual([['key-1', 'key-2']]);
  });

  it('hashes with the HMAC secret as it is when called (read after startup)', () => {
    let secret = '';
    const deps = createPipelineDeps(parts({ hmacSecret: () => secret }).parts);
    secret = 's3cret';
    expect(deps.hashApiKey('dm_live_x')).toBe(hashApiKey('s3cret', 'dm_live_x'));
  });

  it('times every dispatch, failed ones too, per resource and operation', async () => {
    const { parts: p, observed } = parts({ clients: { dispatch: async () => Promise.reject(new Error('boom')) } });
    const op = { resource: 'orders', name: 'list' } as Operation;
    await expect(createPipelineDeps(p).dispatch(op, {} as ServiceRequest)).rejects.toThrow('boom');
    expect(observed).toHaveLength(1);
    expect(observed[0]!.slice(0, 2)).toEqual(['orders', 'list']);
    expect(observed[0]![2]).toBeGreaterThanOrEqual(0);
  });

  it('serves the OpenAPI document, records security events and logs unexpected errors', () => {
    const { parts: p, recorded, errors } = parts();
    const deps = createPipelineDeps(p);
    expect(deps.openApiDocument?.()).toBe('{"openapi":"3.1.0"}');
    expect(deps.baseDomain).toBe('localhost');
    const event = { type: 'auth_failure' } as unknown as SecurityEvent;
    deps.onSecurityEvent?.(event);
    expect(recorded).toEqual([event]);
    const failure = new Error('x');
    deps.onUnexpectedError?.(failure, 'req-9');
    expect(errors).toEqual([{ request_id: 'req-9', error: failure }]);
  });
});

describe('createPipelineDeps: the per-key limits', () => {
  const down = () => Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });

  it('passes the decisions of KeyLimits through, and has no limits without one', async () => {
    const release = () => undefined;
    const limits = {
      takeToken: async (keyId: string, rate: number) => ({ allowed: true as const, limit: rate, remaining: keyId === 'k' ? 4 : 0 }),
      acquireSlot: async () => ({ acquired: true as const, release }),
    };
    const deps = createPipelineDeps(parts({ limits }).parts);
    expect(await deps.limits!.takeToken('k', 5)).toEqual({ allowed: true, limit: 5, remaining: 4 });
    expect(await deps.limits!.acquireSlot('k')).toEqual({ acquired: true, release });
    expect(createPipelineDeps(parts().parts).limits).toBeUndefined();
  });

  it('turns an unavailable database under the limits into ServiceUnavailableError (503), like the key lookup', async () => {
    const limits = { takeToken: async () => Promise.reject(down()), acquireSlot: async () => Promise.reject(down()) };
    const deps = createPipelineDeps(parts({ limits }).parts);
    await expect(deps.limits!.takeToken('k', 5)).rejects.toBeInstanceOf(ServiceUnavailableError);
    await expect(deps.limits!.acquireSlot('k')).rejects.toBeInstanceOf(ServiceUnavailableError);
  });
});

describe('createReadinessChecks', () => {
  it('checks the database and every service of the registry, naming the failing checks of a service', async () => {
    const queries: string[] = [];
    const checks = createReadinessChecks(
      { query: async (sql: string) => void queries.push(sql) } as never,
      {
        health: async (service): Promise<{ status: string; checks: Record<string, string> }> =>
          service === 'catalog' ? { status: 'error', checks: { database: 'ok', event_store: 'down' } } : { status: 'ok', checks: {} },
      },
    );
    expect(checks.map((c) => c.name)).toEqual(['database', 'catalog', 'orders', 'inventory']);
    await checks[0]!.check();
    expect(queries).toEqual(['SELECT 1']);
    await expect(checks[1]!.check()).rejects.toThrow('event_store: down');
    await expect(checks[2]!.check()).resolves.toBeUndefined();
    await expect(checks[3]!.check()).resolves.toBeUndefined();
  });
});
