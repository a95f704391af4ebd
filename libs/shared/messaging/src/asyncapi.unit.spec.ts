import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EVENT_TYPES } from '@datamingle/contracts';
import { buildAsyncApiDocument } from './asyncapi';

describe('AsyncAPI document', () => {
  const doc = buildAsyncApiDocument('datamingle') as any; // eslint-disable-line @typescript-eslint/no-explicit-any

  it('is an AsyncAPI 3.0 document with one channel per service topic', () => {
    expect(doc.asyncapi).toBe('3.0.0');
    expect(Object.values(doc.channels).map((c: any) => c.address)).toEqual([ // eslint-disable-line @typescript-eslint/no-explicit-any
      'datamingle.orders.events.v1',
      'datamingle.catalog.events.v1',
      'datamingle.inventory.events.v1',
    ]);
  });

  it('describes every event type of the registry, with its envelope and headers', () => {
    for (const [source, types] of Object.entries(EVENT_TYPES)) {
      for (const [type, version] of Object.entries(types)) {
        const message = doc.components.messages[type];
        expect(message.payload.properties.type).toEqual({ const: type });
        expect(message.payload.properties.source).toEqual({ const: source });
        expect(message.payload.properties.schema_version).toEqual({ const: version });
        expect(message.headers.properties['event-type']).toEqual({ const: type });
        expect(doc.channels[source].messages[type]).toEqual({ $ref: `#/components/messages/${type}` });
      }
    }
  });

  it('resolves every $ref', () => {
    const refs: string[] = [];
    const walk = (v: unknown) => {
      if (Array.isArray(v)) v.forEach(walk);
      else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) (k === '$ref' ? refs.push(x as string) : walk(x));
    };
    walk(doc);
    for (const ref of refs) {
      const target = ref.slice(2).split('/').reduce((node: any, part) => node?.[part], doc); // eslint-disable-line @typescript-eslint/no-explicit-any
      expect({ ref, found: target !== undefined }).toEqual({ ref, found: true });
    }
  });
});

describe('docs/asyncapi.json', () => {
  it('is the generated document (regenerate with: npm run build && npm run asyncapi)', () => {
    const committed = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'docs', 'asyncapi.json'), 'utf8'));
    expect(committed).toEqual(JSON.parse(JSON.stringify(buildAsyncApiDocument('datamingle'))));
  });
});
