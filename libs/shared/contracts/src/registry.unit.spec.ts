import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Patterns } from './messages';
import {
  OPERATION_ACTIONS,
  RESOURCE_NAMES,
  RESOURCE_REGISTRY,
  SERVICE_NAMES,
  SERVICES,
  isResourceName,
  perResource,
  resourceActions,
  resourceDefinition,
  resourcePatternsOf,
  resourcesOf,
} from './registry';

const ROOT = resolve(__dirname, '..', '..', '..', '..');

describe('the resource registry', () => {
  it('lists the four resources of the integration API and the services that own them', () => {
    expect(RESOURCE_NAMES).toEqual(['orders', 'products', 'locations', 'inventory']);
    expect(perResource((r) => RESOURCE_REGISTRY[r].service)).toEqual({ orders: 'orders', products: 'catalog', locations: 'inventory', inventory: 'inventory' });
    expect(SERVICE_NAMES).toEqual(['catalog', 'orders', 'inventory']);
  });

  it('derives the scope actions from the operations: inventory has no delete', () => {
    expect(perResource(resourceActions)).toEqual({
      orders: ['read', 'write', 'delete'],
      products: ['read', 'write', 'delete'],
      locations: ['read', 'write', 'delete'],
      inventory: ['read', 'write'],
    });
    expect(OPERATION_ACTIONS).toEqual({ create: 'write', list: 'read', get: 'read', update: 'write', delete: 'delete', history: 'read', records: 'read' });
  });

  it('gives every operation a message pattern of its own, named after the resource', () => {
    const all = RESOURCE_NAMES.flatMap((r) => Object.values(resourceDefinition(r).operations));
    expect(new Set(all).size).toBe(all.length);
    for (const r of RESOURCE_NAMES) for (const p of Object.values(resourceDefinition(r).operations)) expect(p.startsWith(`${r}.`)).toBe(true);
    expect(resourcePatternsOf('inventory').map((p) => p.pattern)).toEqual([
      'locations.create',
      'locations.list',
      'locations.get',
      'locations.update',
      'locations.deactivate',
      'locations.history',
      'locations.records',
      'inventory.bulk-set',
      'inventory.list',
      'inventory.get',
      'inventory.records',
    ]);
  });

  it('is where the transport patterns of the resources come from', () => {
    for (const r of RESOURCE_NAMES) expect(Patterns[r]).toMatchObject(RESOURCE_REGISTRY[r].operations);
    expect(Patterns.orders.delete).toBe('orders.cancel');
    expect(Patterns.inventory.create).toBe('inventory.bulk-set');
  });

  it('lists services in start order (a service after those it calls), each with its own variable and port', () => {
    SERVICE_NAMES.forEach((s, i) => {
      for (const callee of SERVICES[s].calls) expect(SERVICE_NAMES.indexOf(callee)).toBeLessThan(i);
      expect(resourcesOf(s).length).toBeGreaterThan(0);
    });
    const variables = SERVICE_NAMES.map((s) => SERVICES[s].urlVariable);
    const ports = SERVICE_NAMES.map((s) => SERVICES[s].defaultPort);
    expect(new Set(variables).size).toBe(SERVICE_NAMES.length);
    expect(new Set(ports).size).toBe(SERVICE_NAMES.length);
  });

  it('names resources exactly', () => {
    expect(isResourceName('orders')).toBe(true);
    expect(isResourceName('Orders')).toBe(false);
    expect(isResourceName('toString')).toBe(false);
    expect(isResourceName('inventorys')).toBe(false);
  });

  it('agrees with the workspace: each service is an app and a bounded context (its lint scope), and every context but the gateway is a service', () => {
    const projects = ['apps', 'libs', ...readdirSync(join(ROOT, 'libs')).map((d) => join('libs', d))]
      .flatMap((base) => readdirSync(join(ROOT, base), { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(base, e.name)))
      .filter((dir) => existsSync(join(ROOT, dir, 'project.json')));
    const tagsOf = (dir: string): string[] => JSON.parse(readFileSync(join(ROOT, dir, 'project.json'), 'utf8')).tags ?? [];
    for (const s of SERVICE_NAMES) {
      expect(tagsOf(join('apps', s))).toContain(`scope:${s}`);
      const libs = projects.filter((p) => p.startsWith(join('libs', s) + '/'));
      expect(libs.length).toBeGreaterThan(0);
      for (const lib of libs) expect(tagsOf(lib)).toContain(`scope:${s}`);
    }
    const contexts = new Set(projects.flatMap(tagsOf).filter((t) => t.startsWith('scope:')).map((t) => t.slice('scope:'.length)));
    expect([...contexts].filter((c) => !['shared', 'platform', 'gateway'].includes(c)).sort()).toEqual([...SERVICE_NAMES].sort());
  });
});
