import { decideActivatableDeactivation, decideActivatableUpdate } from './activatable';

type Rec = { name: string | null; is_active: boolean; meta: Record<string, unknown> };
const current: Rec = { name: 'a', is_active: true, meta: { x: 1, y: 2 } };
const fields = ['name', 'is_active', 'meta'] as const;

describe('activatable records', () => {
  it('no real change → no event (objects compared by content)', () => {
    expect(decideActivatableUpdate(current, { name: 'a', meta: { y: 2, x: 1 } }, fields, ['meta'], 't')).toEqual([]);
  });

  it('is_active alone → deactivated / reactivated; with other fields → one update', () => {
    expect(decideActivatableUpdate(current, { is_active: false }, fields, ['meta'], 't')).toEqual([{ kind: 'deactivated', data: { is_active: false, updated_at: 't' } }]);
    expect(decideActivatableUpdate<Rec, (typeof fields)[number]>({ ...current, is_active: false }, { is_active: true }, fields, ['meta'], 't')).toEqual([
      { kind: 'reactivated', data: { is_active: true, updated_at: 't' } },
    ]);
    expect(decideActivatableUpdate(current, { is_active: false, name: 'b' }, fields, ['meta'], 't')).toEqual([
      { kind: 'updated', data: { changes: { name: 'b', is_active: false }, updated_at: 't' } },
    ]);
  });

  it('deactivation of an inactive record stores nothing', () => {
    expect(decideActivatableDeactivation({ is_active: false }, 't')).toEqual([]);
    expect(decideActivatableDeactivation({ is_active: true }, 't')).toEqual([{ kind: 'deactivated', data: { is_active: false, updated_at: 't' } }]);
  });
});
