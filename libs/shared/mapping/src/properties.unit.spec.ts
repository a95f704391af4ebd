/**
 * Property-based tests (fast-check) of the paths and the engine: write then read, remove then
 * read, parse/format, forward then reverse of rename-only mappings, the compiled engine against a
 * literal step-by-step reading of §5 (copy, then removals one by one, then writes), and that no
 * input ever makes the engine throw.
 */
import fc from 'fast-check';
import { compileMapping, formatPath, parsePath, PathMismatch, readPath, removePath, ABSENT, writePath, deepCopy, isPlainObject, type Step } from './index';

const KEYS = ['a', 'b', 'c', 'x', '__proto__', 'constructor', 'toString', '0', 'items', 'notes', 'metadata'];
const key = fc.oneof(fc.constantFrom(...KEYS), fc.string({ minLength: 1, maxLength: 4 }).filter((s) => !/[.[\]]/.test(s)));
const index = fc.nat({ max: 4 });
const steps = fc.tuple(key, fc.array(fc.oneof(key, index), { maxLength: 5 })).map(([first, rest]) => [first, ...rest] as Step[]);

/** JSON documents over a small key set, so that generated paths often hit (members set as own properties, `__proto__` included). */
const { doc } = fc.letrec<{ doc: unknown }>((tie) => ({
  doc: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.oneof(fc.constant(null), fc.boolean(), fc.integer(), fc.string({ maxLength: 3 })),
    fc.array(tie('doc'), { maxLength: 3 }),
    fc.array(fc.tuple(fc.constantFrom(...KEYS), tie('doc')), { maxLength: 4 }).map((entries) => {
      const o: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, writable: true, enumerable: true, configurable: true });
      return o;
    }),
  ),
}));
const objectDoc = doc.filter(isPlainObject) as fc.Arbitrary<Record<string, unknown>>;
const canonical = (v: unknown) => JSON.stringify(v, (_k, x: unknown) => (isPlainObject(x) ? Object.fromEntries(Object.entries(x).sort(([p], [q]) => (p < q ? -1 : p > q ? 1 : 0))) : x));

describe('paths', () => {
  it('parse(format(steps)) gives the steps back', () => {
    fc.assert(fc.property(steps, (s) => expect(parsePath(formatPath(s))).toEqual(s)));
  });

  it('write then read returns the value; a conflicting write changes nothing', () => {
    fc.assert(
      fc.property(objectDoc, steps, doc, (d, s, v) => {
        const before = canonical(d);
        const conflict = writePath(d, s, v);
        if (conflict === undefined) expect(canonical(readPath(d, s))).toBe(canonical(v));
        else expect(canonical(d)).toBe(before);
      }),
    );
  });

  it('remove then read is absent (or runs into a value of another type); nothing else changes when nothing was removed', () => {
    fc.assert(
      fc.property(objectDoc, steps, (d, s) => {
        const before = canonical(d);
        const removed = removePath(d, s);
        const after = readPath(d, s);
        if (typeof s[s.length - 1] === 'number') {
          expect(removed).toBe(false);
          return;
        }
        expect(after === ABSENT || after instanceof PathMismatch).toBe(true);
        if (!removed) expect(canonical(d)).toBe(before);
      }),
    );
  });
});

/** §5 read literally: copy, nested, reads, removals one by one, writes, statics (the oracle for the compiled engine). */
function referenceForward(m: { field_map: Record<string, string>; nested_mappings: Array<{ source: string; target: string; field_map: Record<string, string> }>; static_values: Record<string, unknown> }, body: Record<string, unknown>, post: boolean) {
  const errors: string[] = [];
  const mapObject = (p: Record<string, unknown>, fieldMap: Record<string, string>) => {
    const o = deepCopy(p);
    const rules = Object.keys(fieldMap).map((s, i) => ({ s: parsePath(s)!, t: parsePath(fieldMap[s])!, i }));
    const values = rules.map((r) => readPath(p, r.s));
    for (const v of values) if (v instanceof PathMismatch) errors.push('mismatch');
    for (const r of rules) removePath(o, r.s);
    return { o, rules, values };
  };
  const nestedResults: Array<[string, unknown[]]> = [];
  for (const n of m.nested_mappings) {
    const v = readPath(body, parsePath(n.source)!);
    if (v === ABSENT || v === null) continue;
    if (v instanceof PathMismatch || !Array.isArray(v)) {
      errors.push('nested');
      continue;
    }
    nestedResults.push([
      n.target,
      v.map((e) => {
        if (!isPlainObject(e)) {
          errors.push('element');
          return null;
        }
        const { o, rules, values } = mapObject(e, n.field_map);
        [...rules].sort((a, b) => a.t.length - b.t.length || a.i - b.i).forEach((r) => {
          const value = values[r.i];
          if (value !== ABSENT && !(value instanceof PathMismatch) && writePath(o, r.t, value)) errors.push('conflict');
        });
        return o;
      }),
    ]);
  }
  const { o, rules, values } = mapObject(body, m.field_map);
  for (const n of m.nested_mappings) removePath(o, parsePath(n.source)!);
  for (const [target, result] of nestedResults) writePath(o, [target], result);
  [...rules].sort((a, b) => a.t.length - b.t.length || a.i - b.i).forEach((r) => {
    const value = values[r.i];
    if (value !== ABSENT && !(value instanceof PathMismatch) && writePath(o, r.t, value)) errors.push('conflict');
  });
  if (post) {
    Object.keys(m.static_values)
      .map((t, i) => ({ t: parsePath(t)!, i, v: m.static_values[t] }))
      .sort((a, b) => a.t.length - b.t.length || a.i - b.i)
      .forEach((s) => {
        if (writePath(o, s.t, s.v)) errors.push('conflict');
      });
  }
  return errors.length > 0 ? null : o;
}

const ORDER_FIELDS = ['order_number', 'external_order_id', 'customer_name', 'customer_info', 'notes', 'order_date', 'due_date', 'metadata', 'reason', 'status'];
const sourcePath = steps.map(formatPath).filter((p) => parsePath(p) !== null);
const targetPath = fc.tuple(fc.constantFrom(...ORDER_FIELDS), fc.array(fc.oneof(key, index), { maxLength: 3 })).map(([f, rest]) => formatPath([f, ...rest]));
const elementTarget = fc.tuple(fc.constantFrom('sku_code', 'quantity', 'notes'), fc.array(fc.oneof(key, index), { maxLength: 2 })).map(([f, rest]) => formatPath([f, ...rest]));
const ordersMapping = fc.record({
  field_map: fc.dictionary(sourcePath, targetPath, { maxKeys: 5 }),
  nested_mappings: fc.array(
    fc.record({
      source: sourcePath.filter((p) => typeof parsePath(p)!.at(-1) === 'string'),
      target: fc.constant('items'),
      field_map: fc.dictionary(sourcePath, elementTarget, { maxKeys: 3 }),
    }),
    { maxLength: 1 },
  ),
  static_values: fc.dictionary(targetPath, doc, { maxKeys: 2 }),
});

describe('the engine', () => {
  it('agrees with a literal reading of §5 (success and output) on random valid mappings and bodies', () => {
    let compared = 0;
    fc.assert(
      fc.property(ordersMapping, objectDoc, fc.boolean(), (m, body, post) => {
        const compiled = compileMapping({ resource: 'orders', ...m });
        if (!compiled.valid) return; // random mappings that break a save-time rule (duplicate targets...)
        compared++;
        const before = canonical(body);
        const result = compiled.forward(body, post ? 'POST' : 'PUT');
        const expected = referenceForward(m, body, post);
        expect(canonical(body)).toBe(before); // the caller's body is never changed
        if (expected === null) expect(result.ok).toBe(false);
        else {
          expect(result.ok).toBe(true);
          if (result.ok) expect(canonical(result.value)).toBe(canonical(expected));
        }
      }),
      { numRuns: 1000 },
    );
    expect(compared).toBeGreaterThan(300);
  });

  it('forward then reverse of a rename-only mapping is the identity on the body', () => {
    const partnerKey = fc.string({ minLength: 1, maxLength: 6 }).filter((s) => !/[.[\]]/.test(s) && !ORDER_FIELDS.includes(s) && s !== 'items' && s !== 'L');
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.tuple(partnerKey, fc.constantFrom(...ORDER_FIELDS.filter((f) => f !== 'status'))), { selector: ([s]) => s, maxLength: 6 }),
        fc.uniqueArray(fc.tuple(partnerKey, fc.constantFrom('sku_code', 'quantity', 'notes')), { selector: ([s]) => s, maxLength: 3 }),
        doc,
        fc.array(fc.dictionary(partnerKey, doc, { maxKeys: 4 }), { maxLength: 3 }),
        (pairs, elementPairs, value, elements) => {
          const used = new Set<string>();
          const fieldMap: Record<string, string> = {};
          for (const [s, t] of pairs) if (!used.has(t)) used.add(t), (fieldMap[s] = t);
          const elementUsed = new Set<string>();
          const elementMap: Record<string, string> = {};
          for (const [s, t] of elementPairs) if (!elementUsed.has(t)) elementUsed.add(t), (elementMap[s] = t);
          const mapping = compileMapping({ resource: 'orders', field_map: fieldMap, nested_mappings: [{ source: 'L', target: 'items', field_map: elementMap }] });
          expect(mapping.valid).toBe(true);
          const body: Record<string, unknown> = { L: elements.map((e) => Object.fromEntries(Object.entries(e).filter(([k]) => !Object.values(elementMap).includes(k)))) };
          for (const s of Object.keys(fieldMap)) body[s] = value;
          const forward = mapping.forward(body, 'POST');
          expect(forward.ok).toBe(true);
          if (forward.ok) expect(canonical(mapping.reverseRecord(forward.value))).toBe(canonical(body));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('never throws on any stored mapping and any body: a result, a MAPPING_ERROR at worst', () => {
    const anyMapping = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }),
      ordersMapping.map((m) => ({ resource: 'orders', ...m })),
      fc.record({ resource: fc.constantFrom('orders', 'products', 'locations', 'inventory', 'x'), field_map: fc.dictionary(fc.string(), fc.jsonValue({ maxDepth: 1 })) }),
    );
    fc.assert(
      fc.property(anyMapping, doc, fc.constantFrom('POST', 'PUT', 'DELETE') as fc.Arbitrary<'POST' | 'PUT' | 'DELETE'>, fc.string(), (m, body, method, path) => {
        const compiled = compileMapping(m);
        const result = compiled.forward(body as Record<string, unknown>, method);
        if (!result.ok) expect(result.error.code).toBe('MAPPING_ERROR');
        compiled.reverseRecord(body);
        compiled.reverseList([body, body]);
        compiled.reverseInventoryRecord(body);
        expect(typeof compiled.translatePath(path)).toBe('string');
        compiled.translateErrorDetails({ [path]: [path, 'An order with this order_number already exists.'], items: body });
      }),
      { numRuns: 1000 },
    );
  });
});
