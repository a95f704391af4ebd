import { validateCancelOrder } from './validate-cancel-order';

describe('validateCancelOrder', () => {
  it('accepts no body, null and a reason', () => {
    expect(validateCancelOrder({})).toEqual({ ok: true, value: { reason: null } });
    expect(validateCancelOrder({ reason: null })).toEqual({ ok: true, value: { reason: null } });
    expect(validateCancelOrder({ reason: 'Customer cancelled' })).toEqual({ ok: true, value: { reason: 'Customer cancelled' } });
    expect(validateCancelOrder({ reason: 'r'.repeat(500) }).ok).toBe(true);
    expect(validateCancelOrder({ reason: 4512 })).toEqual({ ok: true, value: { reason: '4512' } });
  });

  it('ignores other fields', () => {
    expect(validateCancelOrder({ status: 'x', foo: [] })).toEqual({ ok: true, value: { reason: null } });
  });

  it.each([
    ['r'.repeat(501), 'Ensure this field has no more than 500 characters.'],
    [true, 'Not a valid string.'],
    [1.5, 'Not a valid string.'],
    [{}, 'Not a valid string.'],
    ['bad\u0000', 'Not a valid string.'],
    ['\ud800', 'Not a valid string.'],
  ])('rejects reason %p', (reason, message) => {
    expect(validateCancelOrder({ reason })).toEqual({ ok: false, error: { reason: [message] } });
  });
});
