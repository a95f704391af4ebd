/**
 * Fuzz: arbitrary JSON bodies, parsed by the platform's parser (`parseJsonText`, so with
 * `JsonNumberLiteral`s and `__proto__` members), through every template mapping in both
 * directions. The engine must answer a result — never throw — leave the body as it was, and
 * produce only JSON values.
 */
import fc from 'fast-check';
import { JsonNumberLiteral, parseJsonText } from '@datamingle/kernel';
import { compileMapping, isPlainObject, TEMPLATES, type CompiledMapping, type MappingResource } from './index';

const compiled: CompiledMapping[] = TEMPLATES.flatMap((t) => t.resources.map((r: MappingResource) => compileMapping({ resource: r, ...t.mappings[r] })));

/** Text that keeps JsonNumberLiteral sources as written (JSON.stringify would throw on them). */
function serialize(value: unknown): string {
  if (value instanceof JsonNumberLiteral) return value.source;
  if (Array.isArray(value)) return `[${value.map(serialize).join(',')}]`;
  if (isPlainObject(value)) return `{${Object.keys(value).map((k) => `${JSON.stringify(k)}:${serialize(value[k])}`).join(',')}}`;
  if (value !== null && typeof value === 'object') throw new Error(`not a JSON value: ${String(Object.prototype.toString.call(value))}`);
  return JSON.stringify(value);
}

/** Partner field names of the templates, so that fuzzed bodies hit the rules. */
const NAMES = [...new Set(TEMPLATES.flatMap((t) => Object.values(t.mappings).flatMap((m) => [...Object.keys(m.field_map), ...m.nested_mappings.flatMap((n) => [n.source, ...Object.keys(n.field_map)])])).flatMap((p) => p.split(/[.[\]]+/).filter(Boolean)))];
const literal = fc.constantFrom('1e400', '12345678901234567890', '-0.1000000000000000000001', '0', '1.5', '1e-400');
const { text } = fc.letrec<{ text: string }>((tie) => ({
  text: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    literal,
    fc.jsonValue({ maxDepth: 0 }).map((v) => JSON.stringify(v)),
    fc.array(tie('text'), { maxLength: 4 }).map((xs) => `[${xs.join(',')}]`),
    fc.array(fc.tuple(fc.oneof(fc.constantFrom(...NAMES, '__proto__', 'metadata', 'items'), fc.string()), tie('text')), { maxLength: 5 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`),
  ),
}));
const body = fc.array(fc.tuple(fc.constantFrom(...NAMES, '__proto__', 'metadata', 'custom_fields'), text), { maxLength: 8 }).map((es) => `{${es.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`);

describe('fuzz: arbitrary JSON bodies through every template', () => {
  it('never crashes, never changes the body, always yields JSON or a MAPPING_ERROR', () => {
    let mapped = 0;
    let refused = 0;
    fc.assert(
      fc.property(fc.oneof(body, fc.json({ maxDepth: 4 })), fc.constantFrom('POST', 'PUT', 'DELETE') as fc.Arbitrary<'POST' | 'PUT' | 'DELETE'>, (json, method) => {
        const parsed = parseJsonText(json);
        if (!parsed.ok || !isPlainObject(parsed.value)) return;
        const input = parsed.value;
        const before = serialize(input);
        for (const mapping of compiled) {
          const result = mapping.forward(input, method);
          expect(serialize(input)).toBe(before);
          if (result.ok) {
            mapped++;
            serialize(result.value);
            serialize(mapping.reverseRecord(result.value));
          } else {
            refused++;
            expect(result.error.code).toBe('MAPPING_ERROR');
            expect(Object.keys(result.error.details ?? {}).length).toBeGreaterThan(0);
            expect(result.error.message.startsWith('Field mapping failed: ')).toBe(true);
          }
          serialize(mapping.reverseRecord(input));
        }
      }),
      { numRuns: 800 },
    );
    expect(mapped).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
  });
});
