/**
 * The resource registry: the one table of the platform's services and the resources they own.
 * Everything that used to repeat a resource or service name derives from it — the gateway's route
 * table, methods, scopes and actions, the message patterns and which service answers them, the
 * OpenAPI paths, the `*_URL` configuration, the processes the launcher and the test harness start,
 * the lint scopes and the deployment checks. Adding a resource starts here
 * (docs/adding-a-resource.md).
 *
 * Pure data: no imports, so every layer (contracts are importable from anywhere) can read it.
 */

/** A service behind the gateway: one process, one bounded context, one `scope:<name>` lint tag. */
export interface ServiceDefinition {
  /** The configuration variable holding its address(es): `host:port`, comma-separated for several replicas. */
  readonly urlVariable: string;
  /** The port of that address when the variable is not set (`npm start` on one machine). */
  readonly defaultPort: number;
  /** Services it calls while answering (they are started first). */
  readonly calls: readonly ServiceName[];
}

/**
 * The services, in start order (a service comes after the services it calls). The gateway is
 * not one of them: it is the public front of all of them.
 */
export const SERVICES = {
  catalog: { urlVariable: 'CATALOG_URL', defaultPort: 4002, calls: [] },
  orders: { urlVariable: 'ORDERS_URL', defaultPort: 4001, calls: ['catalog'] },
  inventory: { urlVariable: 'INVENTORY_URL', defaultPort: 4003, calls: ['catalog'] },
} as const satisfies Record<string, { urlVariable: string; defaultPort: number; calls: readonly string[] }>;

export type ServiceName = keyof typeof SERVICES;
export const SERVICE_NAMES = Object.keys(SERVICES) as ServiceName[];

/**
 * The operations of the integration API's route shape (conventions.md §3.1), plus `history` (the
 * item's `history/` sub-route, history-feed-idempotency.md §1) and `records` (not a route: the
 * change feed's look-up of current records by stream, asked by the gateway, §2).
 */
export type OperationName = 'create' | 'list' | 'get' | 'update' | 'delete' | 'history' | 'records';

/** Scope actions (auth-and-keys.md §5). */
export type Action = 'read' | 'write' | 'delete';

export interface ResourceDefinition {
  /** The service that owns the resource's records and answers its messages. */
  readonly service: ServiceName;
  /**
   * The operations the resource supports, each with its message pattern on the service transport.
   * `create`/`list` are the collection route (`POST`, `GET`), `get`/`update`/`delete` the item route
   * (`GET`, `PUT`, `DELETE`); an operation left out is a method the route answers with `405`, and
   * its action is absent from the resource's scopes when no other operation needs it.
   */
  readonly operations: Readonly<Partial<Record<OperationName, string>>>;
  /** The fields an `{identifier}` may name (identifiers.md §1); empty: not configurable. */
  readonly identifierFields: readonly string[];
  /** A plausible identifier, for documentation examples. */
  readonly identifierExample: string;
}

/**
 * The resources of the integration API (`/api/integrations/v1/<resource>/`), in the order the
 * scope grammar and the documentation list them.
 */
export const RESOURCE_REGISTRY = {
  orders: {
    service: 'orders',
    operations: {
      create: 'orders.create',
      list: 'orders.list',
      get: 'orders.get',
      update: 'orders.update',
      /** DELETE cancels the order (orders.md §6). */
      delete: 'orders.cancel',
      /** `GET orders/{identifier}/history/`: the record's events with their changes. */
      history: 'orders.history',
      /** The change feed's current records, by stream (gateway → service). */
      records: 'orders.records',
    },
    identifierFields: ['external_order_id', 'order_number'],
    identifierExample: 'ERP-5001',
  },
  products: {
    service: 'catalog',
    operations: {
      create: 'products.create',
      list: 'products.list',
      get: 'products.get',
      update: 'products.update',
      /** DELETE deactivates the product (products.md §6). */
      delete: 'products.deactivate',
      /** `GET products/{identifier}/history/`: the record's events with their changes. */
      history: 'products.history',
      /** The change feed's current records, by stream (gateway → service). */
      records: 'products.records',
    },
    identifierFields: ['sku'],
    identifierExample: 'RUG-5X7-BLU',
  },
  locations: {
    service: 'inventory',
    operations: {
      create: 'locations.create',
      list: 'locations.list',
      get: 'locations.get',
      update: 'locations.update',
      /** DELETE deactivates the location (locations.md §6). */
      delete: 'locations.deactivate',
      /** `GET locations/{identifier}/history/`: the record's events with their changes. */
      history: 'locations.history',
      /** The change feed's current records, by stream (gateway → service). */
      records: 'locations.records',
    },
    identifierFields: ['code'],
    identifierExample: 'A-101',
  },
  inventory: {
    service: 'inventory',
    operations: {
      /** POST is the bulk upsert (inventory.md §2). */
      create: 'inventory.bulk-set',
      list: 'inventory.list',
      /** Records of one location, or of one SKU with `?by=sku`. */
      get: 'inventory.get',
      /** The change feed's current inventory records, by (location, SKU) (gateway → service). */
      records: 'inventory.records',
    },
    // A location code, or a SKU with ?by=sku: chosen by the query, not configurable (identifiers.md §1).
    identifierFields: [],
    identifierExample: 'A-101',
  },
} as const satisfies Record<string, ResourceDefinition>;

export type ResourceName = keyof typeof RESOURCE_REGISTRY;
export const RESOURCE_NAMES = Object.keys(RESOURCE_REGISTRY) as ResourceName[];

/** The resources a service owns, as a type (`ResourcesOf<'inventory'>` is `'locations' | 'inventory'`). */
export type ResourcesOf<S extends ServiceName> = { [R in ResourceName]: (typeof RESOURCE_REGISTRY)[R]['service'] extends S ? R : never }[ResourceName];

/** The operations a resource supports, as a type. */
export type OperationsOf<R extends ResourceName> = keyof (typeof RESOURCE_REGISTRY)[R]['operations'] & OperationName;

/** The registry entry of a resource, widened to the interface (for code that loops over resources). */
export function resourceDefinition(resource: ResourceName): ResourceDefinition {
  return RESOURCE_REGISTRY[resource];
}

/** Whether a string names a resource of the registry (exact, case-sensitive). */
export function isResourceName(value: string): value is ResourceName {
  return Object.prototype.hasOwnProperty.call(RESOURCE_REGISTRY, value);
}

/** The scope action an operation needs. */
export const OPERATION_ACTIONS: Readonly<Record<OperationName, Action>> = {
  create: 'write',
  list: 'read',
  get: 'read',
  update: 'write',
  delete: 'delete',
  history: 'read',
  records: 'read',
};

/** The actions of a resource's scopes, in the grammar's order (`read`, `write`, `delete`). */
export function resourceActions(resource: ResourceName): Action[] {
  const needed = new Set((Object.keys(resourceDefinition(resource).operations) as OperationName[]).map((op) => OPERATION_ACTIONS[op]));
  return (['read', 'write', 'delete'] as const).filter((a) => needed.has(a));
}

/** The resources a service owns. */
export function resourcesOf(service: ServiceName): ResourceName[] {
  return RESOURCE_NAMES.filter((r) => RESOURCE_REGISTRY[r].service === service);
}

/** Every message pattern of a service's resources, with the resource and operation it serves. */
export function resourcePatternsOf(service: ServiceName): { resource: ResourceName; operation: OperationName; pattern: string }[] {
  return resourcesOf(service).flatMap((resource) =>
    Object.entries(resourceDefinition(resource).operations).map(([operation, pattern]) => ({ resource, operation: operation as OperationName, pattern: pattern! })),
  );
}

/** A record with one entry per resource of the registry, in its order. */
export function perResource<T>(value: (resource: ResourceName) => T): Record<ResourceName, T> {
  return Object.fromEntries(RESOURCE_NAMES.map((r) => [r, value(r)])) as Record<ResourceName, T>;
}

/** A record with one entry per service of the registry, in start order. */
export function perService<T>(value: (service: ServiceName) => T): Record<ServiceName, T> {
  return Object.fromEntries(SERVICE_NAMES.map((s) => [s, value(s)])) as Record<ServiceName, T>;
}
