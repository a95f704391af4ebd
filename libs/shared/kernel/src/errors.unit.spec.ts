import { apiError, cutForMessage, fieldError, notFoundError, summaryMessage, toValidationError } from './errors';

describe('error helpers', () => {
  it('builds a plain API error without details', () => {
    expect(apiError('NOT_FOUND', 'x')).toEqual({ code: 'NOT_FOUND', message: 'x' });
    expect(Object.keys(apiError('NOT_FOUND', 'x'))).toEqual(['code', 'message']);
    expect(apiError('SERVICE_ERROR', 'y', { a: 1 })).toEqual({ code: 'SERVICE_ERROR', message: 'y', details: { a: 1 } });
  });

  it('summarises a single error', () => {
    expect(summaryMessage({ order_number: ['This field is required.'] })).toBe('order_number: This field is required.');
  });

  it('summarises with the count of further messages across all paths (errors.md §6.1 example)', () => {
    const details = {
      order_number: ['This field is required.'],
      'items[0].quantity': ['Ensure this value is greater than or equal to 1.'],
      'items[1].sku_code': ['This field is required.'],
    };
    expect(summaryMessage(details)).toBe('order_number: This field is required. (and 2 more)');
    const e = toValidationError(details);
    expect(e).toEqual({ code: 'VALIDATION_ERROR', message: 'order_number: This field is required. (and 2 more)', details });
    expect(Object.keys(e.details ?? {})).toEqual(['order_number', 'items[0].quantity', 'items[1].sku_code']);
  });

  it('counts several messages of the first path', () => {
    expect(summaryMessage({ a: ['one', 'two'], b: ['three'] })).toBe('a: one (and 2 more)');
  });

  it('copies the details', () => {
    const details = { sku: ['A product with this sku already exists.'] };
    const e = fieldError('DUPLICATE', details);
    details.sku.push('mutated');
    expect(e).toEqual({
      code: 'DUPLICATE',
      message: 'sku: A product with this sku already exists.',
      details: { sku: ['A product with this sku already exists.'] },
    });
  });

  it('cuts echoed values to 200 characters', () => {
    expect(cutForMessage('a'.repeat(300))).toBe('a'.repeat(200));
    expect(notFoundError('Order', 'ERP-9999')).toEqual({ code: 'NOT_FOUND', message: "Order 'ERP-9999' not found." });
    expect(notFoundError('Order', 'x'.repeat(201)).message).toBe(`Order '${'x'.repeat(200)}' not found.`);
  });
});
