import type { ServiceRequest } from '@datamingle/contracts';
import { currentRecords } from './current-records';

const request = (refs: unknown, identifierField?: string): ServiceRequest =>
  ({ tenantId: 't', tenantSlug: 'acme', requestId: 'r', query: {}, body: { refs }, ...(identifierField ? { identifierField } : {}) }) as ServiceRequest;

describe('currentRecords (the change feed’s records)', () => {
  const rows = new Map([
    ['s-1', { doc: { code: 'A', v: 2 }, revision: 1 }],
    ['s-2', { doc: { code: 'B', v: 1 }, revision: 0 }],
  ]);
  const find = async () => rows;

  it('answers each ref’s record with its identifier, in order; null where the row does not reflect the ref’s revision yet or is missing', async () => {
    const reply = await currentRecords(
      request([{ stream: 's-2', revision: 0 }, { stream: 's-1', revision: 1 }, { stream: 's-2', revision: 1 }, { stream: 's-9', revision: 0 }, { stream: 's-1' }]),
      find,
      (doc: { code: string }) => doc.code,
    );
    expect(reply).toEqual({
      ok: true,
      status: 200,
      data: [{ identifier: 'B', record: { code: 'B', v: 1 } }, { identifier: 'A', record: { code: 'A', v: 2 } }, null, null, { identifier: 'A', record: { code: 'A', v: 2 } }],
    });
  });

  it('refuses a body that breaks the contract', async () => {
    await expect(currentRecords(request([{ stream: 1 }]), find, () => null)).rejects.toThrow(TypeError);
    await expect(currentRecords(request([{ stream: 's', revision: 1.5 }]), find, () => null)).rejects.toThrow(TypeError);
    await expect(currentRecords(request('x'), find, () => null)).rejects.toThrow(TypeError);
  });
});
