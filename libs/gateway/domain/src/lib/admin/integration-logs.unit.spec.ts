import { integrationLogFilters } from './integration-logs';
import type { FieldErrors } from './users';

const parse = (query: Record<string, string>) => {
  const errors: FieldErrors = {};
  const filters = integrationLogFilters(query, errors);
  return { filters, errors };
};

describe('integration log filters (integration-logs.md §5)', () => {
  it('takes every filter, normalised', () => {
    expect(
      parse({
        partner: 'C0FFEE00-1234-4ABC-8DEF-0123456789AB',
        api_key: '7e3a9f12-5b6c-4d8e-9f01-23456789abcd',
        resource: 'order',
        action: 'create',
        status: 'mapping_error',
        http_status: '422',
        request_id: 'my request',
        identifier: 'SO 1/2',
        internal_id: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
        created_after: '2026-04-16T10:00:00+02:00',
        created_before: '2026-04-17T00:00:00Z',
      }),
    ).toEqual({
      errors: {},
      filters: {
        partner: 'c0ffee00-1234-4abc-8def-0123456789ab',
        apiKey: '7e3a9f12-5b6c-4d8e-9f01-23456789abcd',
        resource: 'order',
        action: 'create',
        status: 'mapping_error',
        httpStatus: 422,
        requestId: 'my request',
        identifier: 'SO 1/2',
        internalId: '6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f',
        createdAfter: '2026-04-16T08:00:00.000Z',
        createdBefore: '2026-04-17T00:00:00.000Z',
      },
    });
  });

  it('treats absent and empty parameters as no filter, and partner=null as entries without a partner', () => {
    expect(parse({ partner: '', status: '' })).toEqual({ errors: {}, filters: {} });
    expect(parse({ partner: 'null' }).filters).toEqual({ partner: null });
  });

  it('reports each invalid parameter under its name', () => {
    const { errors } = parse({
      partner: 'acme',
      api_key: '123',
      resource: 'orders',
      action: 'patch',
      status: 'failed',
      http_status: '99',
      request_id: 'a\u0000b',
      identifier: 'x'.repeat(1025),
      internal_id: 'nope',
      created_after: 'yesterday',
      created_before: '2026-13-01',
    });
    expect(Object.keys(errors).sort()).toEqual(
      ['action', 'api_key', 'created_after', 'created_before', 'http_status', 'identifier', 'internal_id', 'partner', 'request_id', 'resource', 'status'].sort(),
    );
    expect(errors['resource']).toEqual(['"orders" is not a valid choice.']);
    expect(errors['partner']).toEqual(['Must be a valid UUID.']);
    expect(errors['request_id']).toEqual(['Not a valid string.']);
    expect(parse({ http_status: '600' }).errors).toHaveProperty('http_status');
    expect(parse({ http_status: '2000' }).errors).toHaveProperty('http_status');
    expect(parse({ request_id: '\uD800' }).errors).toHaveProperty('request_id');
  });
});
