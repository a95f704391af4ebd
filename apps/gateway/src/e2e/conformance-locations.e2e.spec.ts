/**
 * Black-box conformance tests for the location endpoints through the gateway (real services,
 * real PostgreSQL): checklist items #48–#50 of the spec's conformance checklist and the rules of
 * locations.md they summarise: the representation (keys, order, defaults), duplicate codes
 * (also for inactive locations and concurrent creates), code trimming, percent-encoded codes
 * (`%2F`, `%20`, non-ASCII), immutable `code`, `metadata` replaced on PUT, no-op updates,
 * idempotent deactivation, reactivation, the active-only list and field validation messages.
 */
import type { TestPlatform } from '@datamingle/testing';
import {
  EventStoreReader,
  expectError,
  expectFieldError,
  instantKey,
  listAll,
  RFC3339_UTC,
  UUID,
  type ApiClient,
} from './testing-support/e2e-api';
import { createRecord, startApiSuite, stopAll } from './testing-support/e2e-setup';

/* eslint-disable @typescript-eslint/no-explicit-any */

/** Keys of a location, in the order locations.md §1 shows them. */
const LOCATION_KEYS = ['id', 'code', 'name', 'zone', 'aisle', 'metadata', 'is_active', 'created_at', 'updated_at'];

describe('Conformance: locations (#48–#50)', () => {
  let platform: TestPlatform;
  let api: ApiClient;
  let events: EventStoreReader;

  const path = (code: string) => `locations/${encodeURIComponent(code)}/`;

  const createLocation = (fields: Record<string, unknown>) => createRecord(api, 'locations/', fields);

  async function getLocation(code: string): Promise<any> {
    const res = await api.get(path(code));
    expect({ code, status: res.status }).toEqual({ code, status: 200 });
    return res.body.data;
  }

  /** Number of events stored in the stream of this location. */
  async function locationEvents(location: any): Promise<number> {
    return events.count('stream_name = $1', [await events.streamOf(location.id)]);
  }

  const activeCodes = async (): Promise<string[]> => (await listAll(api, 'locations/')).map((l) => l.code);

  beforeAll(async () => {
    ({ platform, api, events } = await startApiSuite('conformance locations'));
  }, 60_000);

  afterAll(() => stopAll(platform, events));

  it('#48 POST locations/ returns 201; a duplicate code gets 409 DUPLICATE; an unknown code on an item route gets 404 NOT_FOUND', async () => {
    // The spec's example request (locations.md §2).
    const res = await api.post('locations/', { code: 'A-103', name: 'Aisle A, Shelf 103', zone: 'A', aisle: '1' });
    expect(res.status).toBe(201);
    expect(res.body.success).toBe(true);
    expect(Object.keys(res.body)).toEqual(['success', 'data']);
    expect(res.body.data).toEqual({
      id: expect.stringMatching(UUID),
      code: 'A-103',
      name: 'Aisle A, Shelf 103',
      zone: 'A',
      aisle: '1',
      metadata: {},
      is_active: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(res.body.data.created_at).toBe(res.body.data.updated_at);
    expect(await getLocation('A-103')).toEqual(res.body.data);

    // Duplicate code: 409 DUPLICATE with the documented details; nothing changes.
    const dup = await api.post('locations/', { code: 'A-103', name: 'second' });
    const error = expectError(dup, 409, 'DUPLICATE');
    expect(error.details).toEqual({ code: ['A location with this code already exists.'] });
    expect(error.message).toBe('code: A location with this code already exists.');
    expect(await getLocation('A-103')).toEqual(res.body.data);
    // ... also after trimming
    expectError(await api.post('locations/', { code: '  A-103 ', zone: 'Z' }), 409, 'DUPLICATE');
    // ... and for an inactive location (codes stay reserved)
    expect((await api.del('locations/A-103/')).status).toBe(200);
    const dupInactive = expectError(await api.post('locations/', { code: 'A-103' }), 409, 'DUPLICATE');
    expect(dupInactive.details).toEqual({ code: ['A location with this code already exists.'] });
    expect(await getLocation('A-103')).toMatchObject({ id: res.body.data.id, name: 'Aisle A, Shelf 103', is_active: false });
    // Codes are case-sensitive: a different case is a different location.
    const lower = await createLocation({ code: 'a-103' });
    expect(lower.id).not.toBe(res.body.data.id);

    // Unknown code on every item route: 404 NOT_FOUND with the documented message.
    for (const [method, body] of [
      ['GET', undefined],
      ['HEAD', undefined],
      ['PUT', { name: 'x' }],
      ['DELETE', undefined],
    ] as Array<[string, unknown]>) {
      const r = await api.request(method, 'locations/NO-SUCH-LOC/', body === undefined ? {} : { body });
      if (method === 'HEAD') {
        expect({ method, status: r.status, text: r.text }).toEqual({ method, status: 404, text: '' });
        continue;
      }
      const e = expectError(r, 404, 'NOT_FOUND');
      expect({ method, message: e.message }).toEqual({ method, message: "Location 'NO-SUCH-LOC' not found." });
    }
    // The identifier is resolved before field validation: unknown code + invalid body is still 404.
    expectError(await api.put('locations/NO-SUCH-LOC/', { code: 'OTHER', name: 5.5 }), 404, 'NOT_FOUND');
    // An identifier longer than 100 characters cannot match.
    expectError(await api.get(`locations/${'L'.repeat(101)}/`), 404, 'NOT_FOUND');
    // Nothing was created by the failed requests.
    expect(await activeCodes()).not.toContain('NO-SUCH-LOC');
  });

  it('#48 the representation has exactly the documented keys in the documented order, with defaults; read-only and unknown fields are ignored', async () => {
    const minimal = await api.post('locations/', { code: 'L48-MIN' });
    expect(minimal.status).toBe(201);
    expect(Object.keys(minimal.body.data)).toEqual(LOCATION_KEYS);
    expect(minimal.body.data).toEqual({
      id: expect.stringMatching(UUID),
      code: 'L48-MIN',
      name: null,
      zone: null,
      aisle: null,
      metadata: {},
      is_active: true,
      created_at: expect.stringMatching(RFC3339_UTC),
      updated_at: expect.stringMatching(RFC3339_UTC),
    });
    expect(Object.keys(await getLocation('L48-MIN'))).toEqual(LOCATION_KEYS);

    const fullFields = {
      code: 'L48-FULL',
      name: 'Cold store',
      zone: 'C',
      aisle: '12',
      metadata: { temperature: 'frozen', limits: { min: -25, max: -18 }, tags: ['a', 'b'] },
      is_active: true,
    };
    const full = await api.post('locations/', {
      ...fullFields,
      id: '00000000-0000-4000-8000-000000000000',
      created_at: '2000-01-01T00:00:00Z',
      updated_at: '2000-01-01T00:00:00Z',
      unknown_field: 'ignored',
    });
    expect(full.status).toBe(201);
    expect(Object.keys(full.body.data)).toEqual(LOCATION_KEYS);
    expect(full.body.data).toMatchObject(fullFields);
    expect(full.body.data.id).not.toBe('00000000-0000-4000-8000-000000000000');
    expect(Date.parse(full.body.data.created_at)).toBeGreaterThan(Date.parse('2020-01-01T00:00:00Z'));
    expect(full.body.data).not.toHaveProperty('unknown_field');

    // Explicit nulls: metadata null → {}; name/zone/aisle null → null. A location may be created inactive.
    const nulls = await createLocation({ code: 'L48-NULLS', name: null, zone: null, aisle: null, metadata: null, is_active: false });
    expect(nulls).toMatchObject({ name: null, zone: null, aisle: null, metadata: {}, is_active: false });
    expect(await activeCodes()).not.toContain('L48-NULLS');
    expect((await getLocation('L48-NULLS')).is_active).toBe(false);

    // A JSON integer is accepted for a string field and converted to its decimal text.
    const numeric = await createLocation({ code: 4512, zone: 7, aisle: 12 });
    expect(numeric).toMatchObject({ code: '4512', zone: '7', aisle: '12' });
    expect((await getLocation('4512')).id).toBe(numeric.id);
  });

  it('#48 code is trimmed before validation and storage; other strings are stored exactly as sent', async () => {
    const loc = await createLocation({ code: '  L48-TRIM\t ', name: '  padded name  ', zone: ' z ', aisle: ' 1 ' });
    expect(loc).toMatchObject({ code: 'L48-TRIM', name: '  padded name  ', zone: ' z ', aisle: ' 1 ' });
    expect(await getLocation('L48-TRIM')).toEqual(loc);
    expectError(await api.get(path('  L48-TRIM\t ')), 404, 'NOT_FOUND');
    // 100 characters after trimming are accepted.
    const long = 'C'.repeat(100);
    expect((await createLocation({ code: `  ${long}  ` })).code).toBe(long);
  });

  it('#48 of concurrent creates with one code exactly one returns 201, the others 409 DUPLICATE', async () => {
    const responses = await Promise.all(
      Array.from({ length: 12 }, (_, i) => api.post('locations/', { code: 'L48-RACE', name: `writer ${i}`, zone: String(i) })),
    );
    const outcomes = responses.map((r) => `${r.status} ${r.body?.error?.code ?? ''}`.trim()).sort();
    expect(outcomes).toEqual(['201', ...Array.from({ length: 11 }, () => '409 DUPLICATE')]);
    for (const res of responses.filter((r) => r.status !== 201)) {
      expect(expectError(res, 409, 'DUPLICATE').details).toEqual({ code: ['A location with this code already exists.'] });
    }
    const winner = responses.find((r) => r.status === 201)!.body.data;
    expect(await getLocation('L48-RACE')).toEqual(winner);
    expect((await activeCodes()).filter((c) => c === 'L48-RACE')).toHaveLength(1);
    expect(await events.count(`event_type = 'LocationCreated' AND data->>'code' = 'L48-RACE'`)).toBe(1);
  });

  it('#48 field validation of POST locations/: messages per field, all errors together in document order, nothing created', async () => {
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{}, 'code', 'This field is required.'],
      [{ code: null }, 'code', 'This field may not be null.'],
      [{ code: '' }, 'code', 'This field may not be blank.'],
      [{ code: '   ' }, 'code', 'This field may not be blank.'],
      [{ code: 'C'.repeat(101) }, 'code', 'Ensure this field has no more than 100 characters.'],
      [{ code: true }, 'code', 'Not a valid string.'],
      [{ code: 1.5 }, 'code', 'Not a valid string.'],
      [{ code: ['L-V'] }, 'code', 'Not a valid string.'],
      [{ code: 'L-V\u0000' }, 'code', 'Not a valid string.'],
      [{ code: 'L-V', name: 'n'.repeat(256) }, 'name', 'Ensure this field has no more than 255 characters.'],
      [{ code: 'L-V', name: {} }, 'name', 'Not a valid string.'],
      [{ code: 'L-V', zone: 'z'.repeat(101) }, 'zone', 'Ensure this field has no more than 100 characters.'],
      [{ code: 'L-V', zone: false }, 'zone', 'Not a valid string.'],
      [{ code: 'L-V', aisle: 'a'.repeat(101) }, 'aisle', 'Ensure this field has no more than 100 characters.'],
      [{ code: 'L-V', aisle: 2.5 }, 'aisle', 'Not a valid string.'],
      [{ code: 'L-V', metadata: [] }, 'metadata', 'Expected a JSON object.'],
      [{ code: 'L-V', metadata: 'cold' }, 'metadata', 'Expected a JSON object.'],
      [{ code: 'L-V', metadata: { blob: 'x'.repeat(70_000) } }, 'metadata', 'Ensure this object is no larger than 65536 bytes when serialized.'],
      [{ code: 'L-V', is_active: 'yes' }, 'is_active', 'Must be a valid boolean.'],
      [{ code: 'L-V', is_active: 1 }, 'is_active', 'Must be a valid boolean.'],
      [{ code: 'L-V', is_active: null }, 'is_active', 'This field may not be null.'],
    ];
    for (const [body, field, message] of cases) {
      const res = await api.post('locations/', body);
      expect({ body: JSON.stringify(body).slice(0, 80), status: res.status, details: res.body?.error?.details }).toEqual({
        body: JSON.stringify(body).slice(0, 80),
        status: 400,
        details: { [field]: [message] },
      });
      expectFieldError(res, field, message);
      expect(res.body.error.message).toBe(`${field}: ${message}`);
    }
    // Several problems: all reported together, in document order, with the "(and N more)" summary.
    const many = await api.post('locations/', { is_active: 'no', aisle: 'a'.repeat(101), name: 'n'.repeat(256) });
    const error = expectError(many, 400, 'VALIDATION_ERROR');
    expect(error.details).toEqual({
      code: ['This field is required.'],
      name: ['Ensure this field has no more than 255 characters.'],
      aisle: ['Ensure this field has no more than 100 characters.'],
      is_active: ['Must be a valid boolean.'],
    });
    expect(Object.keys(error.details)).toEqual(['code', 'name', 'aisle', 'is_active']);
    expect(error.message).toBe('code: This field is required. (and 3 more)');
    // A non-object body and malformed JSON.
    expect(expectError(await api.request('POST', 'locations/', { rawBody: '[{"code":"L-V"}]', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR').details).toEqual({
      non_field_errors: ['Expected a JSON object at the top level.'],
    });
    expect(expectError(await api.request('POST', 'locations/', { rawBody: '{"code": "L-V",', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR').details).toEqual({
      non_field_errors: ['Malformed JSON.'],
    });
    expectError(await api.request('POST', 'locations/', { rawBody: 'code=L-V', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expectError(await api.get('locations/L-V/'), 404, 'NOT_FOUND');

    // Limits are inclusive.
    const max = await createLocation({ code: 'L-V', name: 'n'.repeat(255), zone: 'z'.repeat(100), aisle: 'a'.repeat(100), metadata: { blob: 'x'.repeat(60_000) } });
    expect(max.name).toHaveLength(255);
    expect(max.metadata.blob).toHaveLength(60_000);
  });

  it('#49 a location with code WH/SHELF-01 is reachable at locations/WH%2FSHELF-01/', async () => {
    const loc = await createLocation({ code: 'WH/SHELF-01', name: 'Shelf 1' });
    expect(loc.code).toBe('WH/SHELF-01');
    for (const p of ['locations/WH%2FSHELF-01/', 'locations/WH%2FSHELF-01', 'locations/WH%2fSHELF-01/']) {
      const res = await api.get(p);
      expect({ p, status: res.status, data: res.body?.data }).toEqual({ p, status: 200, data: loc });
    }
    // An unencoded slash is a path separator: extra segment → unknown route.
    const raw = expectError(await api.get('locations/WH/SHELF-01/'), 404, 'NOT_FOUND');
    expect(raw.message).toBe('The requested endpoint does not exist.');
    // The segment is decoded exactly once.
    expect(expectError(await api.get('locations/WH%252FSHELF-01/'), 404, 'NOT_FOUND').message).toBe("Location 'WH%2FSHELF-01' not found.");
    // PUT and DELETE reach it too.
    const put = await api.put('locations/WH%2FSHELF-01/', { code: 'WH/SHELF-01', zone: 'WH' });
    expect({ status: put.status, code: put.body?.data?.code, zone: put.body?.data?.zone }).toEqual({ status: 200, code: 'WH/SHELF-01', zone: 'WH' });
    const del = await api.del('locations/WH%2FSHELF-01/');
    expect({ status: del.status, is_active: del.body?.data?.is_active }).toEqual({ status: 200, is_active: false });
    expect((await getLocation('WH/SHELF-01')).is_active).toBe(false);
  });

  it('#49 codes with spaces, plus signs and non-ASCII characters are reachable percent-encoded', async () => {
    const cases: Array<[string, string]> = [
      ['A 101', 'A%20101'],
      ['A+101', 'A+101'],
      ['Çanta-01', '%C3%87anta-01'],
      ['Lager Süd/3', 'Lager%20S%C3%BCd%2F3'],
      ['倉庫-1', '%E5%80%89%E5%BA%AB-1'],
      ['A%41', 'A%2541'],
    ];
    for (const [code] of cases) expect((await createLocation({ code })).code).toBe(code);
    for (const [code, segment] of cases) {
      const res = await api.get(`locations/${segment}/`);
      expect({ segment, status: res.status, code: res.body?.data?.code }).toEqual({ segment, status: 200, code });
    }
    // `+` is a literal plus sign, not a space; `%41` is not decoded twice.
    expect((await api.get('locations/A+101/')).body.data.code).toBe('A+101');
    expect((await api.get('locations/A%2B101/')).body.data.code).toBe('A+101');
    expect((await api.get('locations/A%41/')).status).toBe(404);
    // The 404 message shows the decoded identifier.
    expect(expectError(await api.get('locations/%C3%87-NOPE/'), 404, 'NOT_FOUND').message).toBe("Location 'Ç-NOPE' not found.");
    // Undecodable segments resolve to no location.
    for (const segment of ['%ZZ', 'A%', '%C3', '%ED%A0%80', 'A%00B']) {
      const res = await api.get(`locations/${segment}/`);
      expect({ segment, status: res.status, code: res.body?.error?.code }).toEqual({ segment, status: 404, code: 'NOT_FOUND' });
    }
    // Non-ASCII codes come back as UTF-8 in the list as well.
    const codes = await activeCodes();
    for (const [code] of cases) expect(codes).toContain(code);
  });

  it('#50 PUT locations/{code}/ with a different code gets 400; DELETE deactivates with 200 idempotently; GET locations/ lists active locations only', async () => {
    const loc = await createLocation({ code: 'L50', name: 'fifty', zone: 'F', metadata: { k: 1 } });

    // A different code: 400 VALIDATION_ERROR, nothing changes (not even the other fields of the body).
    const changed = await api.put('locations/L50/', { code: 'L50-OTHER', name: 'renamed' });
    const error = expectError(changed, 400, 'VALIDATION_ERROR');
    expect(error.details).toEqual({ code: ['This field cannot be changed.'] });
    expect(error.message).toBe('code: This field cannot be changed.');
    expect(await getLocation('L50')).toEqual(loc);
    expectError(await api.get('locations/L50-OTHER/'), 404, 'NOT_FOUND');
    expectFieldError(await api.put('locations/L50/', { code: 'l50' }), 'code', 'This field cannot be changed.');
    expectFieldError(await api.put('locations/L50/', { code: null }), 'code', 'This field may not be null.');
    // The current value (after trimming) is accepted.
    const same = await api.put('locations/L50/', { code: '  L50 ', name: 'fifty (renamed)' });
    expect(same.status).toBe(200);
    expect(same.body.data).toMatchObject({ id: loc.id, code: 'L50', name: 'fifty (renamed)', zone: 'F', metadata: { k: 1 } });

    // DELETE: 200 with is_active false; everything else unchanged.
    const before = same.body.data;
    expect(await activeCodes()).toContain('L50');
    const del = await api.del('locations/L50/');
    expect(del.status).toBe(200);
    expect(del.body.success).toBe(true);
    expect(Object.keys(del.body.data)).toEqual(LOCATION_KEYS);
    const inactive = del.body.data;
    expect({ ...inactive, updated_at: null }).toEqual({ ...before, is_active: false, updated_at: null });
    expect(instantKey(inactive.updated_at) >= instantKey(before.updated_at)).toBe(true);

    // Repeated DELETE: 200, unchanged (updated_at included), no event.
    const count = await locationEvents(loc);
    const again = await api.del('locations/L50/');
    expect(again.status).toBe(200);
    expect(again.body.data).toEqual(inactive);
    // A body, if sent, must be JSON and is ignored.
    const withBody = await api.del('locations/L50/', { reason: 'ignored', is_active: true });
    expect({ status: withBody.status, data: withBody.body?.data }).toEqual({ status: 200, data: inactive });
    expectError(await api.request('DELETE', 'locations/L50/', { rawBody: '{bad', headers: { 'content-type': 'application/json' } }), 400, 'VALIDATION_ERROR');
    expectError(await api.request('DELETE', 'locations/L50/', { rawBody: 'x', headers: { 'content-type': 'text/plain' } }), 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(await locationEvents(loc)).toBe(count);

    // Hidden from the list, still reachable by GET.
    expect(await activeCodes()).not.toContain('L50');
    expect(await getLocation('L50')).toEqual(inactive);
    // The list holds active locations only, each once.
    const listed = await listAll(api, 'locations/');
    expect(listed.every((l) => l.is_active === true)).toBe(true);
    expect(new Set(listed.map((l) => l.id)).size).toBe(listed.length);
    for (const l of listed) expect(Object.keys(l)).toEqual(LOCATION_KEYS);
  });

  it('#50 the list is newest first and paginates with pagination.limit / next_cursor', async () => {
    const created: any[] = [];
    for (let i = 0; i < 5; i++) created.push(await createLocation({ code: `L50-LIST-${i}` }));
    const first = await api.get('locations/?limit=3');
    expect(first.status).toBe(200);
    expect(Object.keys(first.body)).toEqual(['success', 'data', 'pagination']);
    expect(first.body.data.map((l: any) => l.code)).toEqual(['L50-LIST-4', 'L50-LIST-3', 'L50-LIST-2']);
    expect(first.body.pagination).toEqual({ limit: 3, next_cursor: expect.any(String) });
    const second = await api.get(`locations/?limit=2&cursor=${encodeURIComponent(first.body.pagination.next_cursor)}`);
    expect(second.body.data.map((l: any) => l.code)).toEqual(['L50-LIST-1', 'L50-LIST-0']);
    // Deactivated locations disappear from the list (also from later pages of a walk).
    await api.del('locations/L50-LIST-1/');
    const third = await api.get(`locations/?limit=2&cursor=${encodeURIComponent(first.body.pagination.next_cursor)}`);
    expect(third.body.data[0].code).toBe('L50-LIST-0');
    expect(third.body.data.map((l: any) => l.code)).not.toContain('L50-LIST-1');
    expect(created).toHaveLength(5);
  });

  it('#50 PUT {"is_active": true} reactivates a location: listed again, same id, other fields kept', async () => {
    const loc = await createLocation({ code: 'L50-REACT', name: 'back', metadata: { k: 'v' } });
    const inactive = (await api.del('locations/L50-REACT/')).body.data;
    expect(inactive.is_active).toBe(false);
    expect(await activeCodes()).not.toContain('L50-REACT');
    const res = await api.put('locations/L50-REACT/', { is_active: true });
    expect(res.status).toBe(200);
    expect({ ...res.body.data, updated_at: null }).toEqual({ ...loc, is_active: true, updated_at: null });
    expect(instantKey(res.body.data.updated_at) >= instantKey(inactive.updated_at)).toBe(true);
    expect(await activeCodes()).toContain('L50-REACT');
    // PUT {"is_active": false} deactivates as well.
    const off = await api.put('locations/L50-REACT/', { is_active: false });
    expect(off.body.data.is_active).toBe(false);
    expect(await activeCodes()).not.toContain('L50-REACT');
    // Fields of an inactive location can be changed with PUT (it stays inactive).
    const renamed = await api.put('locations/L50-REACT/', { name: 'renamed while inactive' });
    expect(renamed.body.data).toMatchObject({ name: 'renamed while inactive', is_active: false });
  });

  it('#50 PUT is a partial update: metadata replaces the stored object entirely, null clears, absent fields keep their values', async () => {
    const loc = await createLocation({ code: 'L50-PUT', name: 'n', zone: 'Z', aisle: '3', metadata: { temperature: 'ambient', racks: 4, nested: { a: 1 } } });
    // The spec's example update (locations.md §5).
    const res = await api.put('locations/L50-PUT/', { name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2' });
    expect(res.status).toBe(200);
    expect({ ...res.body.data, updated_at: null }).toEqual({ ...loc, name: 'Aisle A, Shelf 101 (Renovated)', zone: 'A2', updated_at: null });
    expect(instantKey(res.body.data.updated_at) >= instantKey(loc.updated_at)).toBe(true);

    const meta = await api.put('locations/L50-PUT/', { metadata: { humidity: 'low' } });
    expect(meta.body.data.metadata).toEqual({ humidity: 'low' });
    expect((await getLocation('L50-PUT')).metadata).toEqual({ humidity: 'low' });
    expect((await api.put('locations/L50-PUT/', { metadata: {} })).body.data.metadata).toEqual({});
    await api.put('locations/L50-PUT/', { metadata: { a: [1, 2] } });
    expect((await api.put('locations/L50-PUT/', { metadata: null })).body.data.metadata).toEqual({});

    const cleared = await api.put('locations/L50-PUT/', { name: null, zone: null, aisle: null });
    expect(cleared.body.data).toMatchObject({ code: 'L50-PUT', name: null, zone: null, aisle: null, metadata: {}, is_active: true });
    expect(await getLocation('L50-PUT')).toEqual(cleared.body.data);
    // created_at never changes.
    expect(cleared.body.data.created_at).toBe(loc.created_at);
  });

  it('#50 a repeated identical PUT leaves updated_at unchanged and stores no event', async () => {
    const loc = await createLocation({ code: 'L50-NOOP', name: 'a' });
    const body = { name: 'b', zone: 'Z1', aisle: null, metadata: { x: [1, { y: 2 }] }, is_active: true };
    const first = await api.put('locations/L50-NOOP/', body);
    expect(first.status).toBe(200);
    const count = await locationEvents(loc);
    expect(count).toBe(2); // LocationCreated + one update
    const second = await api.put('locations/L50-NOOP/', body);
    expect(second.status).toBe(200);
    expect(second.body.data).toEqual(first.body.data);
    // Other bodies that change nothing: {}, the current code, the same values in another key order.
    for (const noop of [{}, { code: 'L50-NOOP' }, { metadata: { x: [1, { y: 2 }] }, name: 'b' }, { is_active: true }]) {
      const r = await api.put('locations/L50-NOOP/', noop);
      expect({ noop, status: r.status, data: r.body?.data }).toEqual({ noop, status: 200, data: first.body.data });
    }
    expect(await locationEvents(loc)).toBe(count);
    expect(await getLocation('L50-NOOP')).toEqual(first.body.data);
  });

  it('#50 field validation of PUT locations/{code}/: nothing is changed by an invalid body', async () => {
    const loc = await createLocation({ code: 'L50-V', name: 'valid', metadata: { k: 1 } });
    const cases: Array<[Record<string, unknown>, string, string]> = [
      [{ name: 'n'.repeat(256) }, 'name', 'Ensure this field has no more than 255 characters.'],
      [{ name: true }, 'name', 'Not a valid string.'],
      [{ zone: 'z'.repeat(101) }, 'zone', 'Ensure this field has no more than 100 characters.'],
      [{ aisle: [] }, 'aisle', 'Not a valid string.'],
      [{ metadata: 'x' }, 'metadata', 'Expected a JSON object.'],
      [{ metadata: [1] }, 'metadata', 'Expected a JSON object.'],
      [{ metadata: { blob: 'x'.repeat(70_000) } }, 'metadata', 'Ensure this object is no larger than 65536 bytes when serialized.'],
      [{ is_active: 'false' }, 'is_active', 'Must be a valid boolean.'],
      [{ is_active: null }, 'is_active', 'This field may not be null.'],
    ];
    for (const [body, field, message] of cases) {
      const res = await api.put('locations/L50-V/', { ...body, zone: body['zone'] ?? 'CHANGED' });
      expect({ field, status: res.status, details: res.body?.error?.details }).toEqual({ field, status: 400, details: { [field]: [message] } });
    }
    const many = expectError(await api.put('locations/L50-V/', { code: 'X', name: 5.5, is_active: 'y' }), 400, 'VALIDATION_ERROR');
    expect(Object.keys(many.details)).toEqual(['code', 'name', 'is_active']);
    expect(many.message).toBe('code: This field cannot be changed. (and 2 more)');
    expect(await getLocation('L50-V')).toEqual(loc);
  });
});
