/**
 * Administration CLI: `npm run -s admin -- <command>` (spec/platform.md). Works whether or not
 * the platform is running: it uses DATABASE_URL, else the running embedded server of DATA_DIR,
 * else starts that server for the duration of the command. stdout carries only the output;
 * errors are one line on stderr with a non-zero exit code.
 */
import { RESOURCE_NAMES, RESOURCE_REGISTRY, type ServiceName } from '@datamingle/contracts';
import {
  canonicalizeScopes,
  CLI_AUDIT,
  generateApiKey,
  hashApiKey,
  keyPrefix,
  LAST_ADMIN_MESSAGE,
  PARTNER_TEMPLATE_SLUGS,
  validateNewUser,
  validatePartnerCreate,
  type PartnerView,
} from '@datamingle/gateway-domain';
import {
  AdminError,
  AdminStore,
  Argon2idPasswordHasher,
  DEFAULT_LOG_RETENTION_DAYS,
  GatewayStore,
  IntegrationLogStore,
  MAX_LOG_RETENTION_DAYS,
} from '@datamingle/gateway-infrastructure';
import { loadConfig, openEventStore, type PlatformConfig } from '@datamingle/platform';
import type { DataSource } from 'typeorm';
import { PRODUCT_COLUMNS, productProjectionSpec } from '@datamingle/catalog-infrastructure';
import { InventoryLevelProjection, LOCATION_COLUMNS, locationProjectionSpec } from '@datamingle/inventory-infrastructure';
import { ORDER_COLUMNS, orderProjectionSpec } from '@datamingle/orders-infrastructure';
import { createReadModelDataSource, DocumentProjection, rebuildProjection, type CatchUpProjection } from '@datamingle/read-model';
import { embeddedUrl, runningEmbeddedPort, startEmbeddedPostgres, type EmbeddedDb } from './embedded-db';
import { migrateAll } from './migrate';

class UsageError extends Error {}

const SLUG = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface Parsed {
  positional: string[];
  flags: Map<string, string>;
}

function parseArgs(argv: string[], known: readonly string[]): Parsed {
  const positional: string[] = [];
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq > 0 ? a.slice(2, eq) : a.slice(2);
      if (!known.includes(name)) throw new UsageError(`unknown option --${name}`);
      const value = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (value === undefined) throw new UsageError(`option --${name} needs a value`);
      flags.set(name, value);
    } else {
      positional.push(a);
    }
  }
  return { positional, flags };
}

function required(p: Parsed, flag: string): string {
  const v = p.flags.get(flag);
  if (v === undefined || v.trim() === '') throw new UsageError(`--${flag} is required`);
  return v;
}

function tenantSlug(value: string | undefined): string {
  if (!value) throw new UsageError('a tenant slug is required');
  if (!SLUG.test(value)) throw new UsageError(`invalid tenant slug '${value}': use lower-case letters, digits and '-' (1-63 characters)`);
  return value;
}

function keyId(p: Parsed): string {
  const id = p.positional[0];
  if (!id) throw new UsageError('a key id is required');
  if (!UUID.test(id)) throw new AdminError(`key '${id}' does not exist`);
  return id.toLowerCase();
}

function futureDate(value: string, flag: string): Date {
  const d = new Date(value);
  if (!/^\d{4}-\d{2}-\d{2}/.test(value) || Number.isNaN(d.getTime())) throw new UsageError(`--${flag}: not an ISO 8601 datetime: '${value}'`);
  if (d.getTime() <= Date.now()) throw new UsageError(`--${flag} must be in the future`);
  return d;
}

/** `--rate-limit`: requests per second, 1-10000 (limits-and-versioning.md §4); `none` (update only) removes the limit. */
function rateLimitFlag(raw: string, noneAllowed: boolean): number | null {
  if (noneAllowed && raw === 'none') return null;
  if (!/^[0-9]+$/.test(raw) || Number(raw) < 1 || Number(raw) > 10_000) {
    throw new UsageError(`--rate-limit must be an integer from 1 to 10000${noneAllowed ? " or 'none'" : ''}`);
  }
  return Number(raw);
}

const out = (value: unknown): void => void process.stdout.write(JSON.stringify(value, null, 2) + '\n');

const USAGE = `usage: npm run -s admin -- <command>
  tenant create <slug> [--name NAME] | tenant list | tenant disable <slug> | tenant enable <slug>
  tenant update <slug> --log-retention-days N   (integration log retention, 90-3650 days; default 90)
  key create --tenant <slug> --name <name> [--scopes a,b] [--expires-at ISO8601] [--rate-limit N] [--partner <partner id or name>]
  key list --tenant <slug> | key revoke|activate|delete --tenant <slug> <key-id>
  key update --tenant <slug> <key-id> [--scopes a,b] [--expires-at ISO8601|none] [--rate-limit N|none]
  partner create --tenant <slug> --name <name> [--template <slug>] [--default-identifier-field F] | partner list --tenant <slug>
  user create --tenant <slug> --email <email> [--name NAME] [--role admin|viewer] --password-stdin
  user list --tenant <slug> | user disable|enable --tenant <slug> <email>
  projections rebuild [--service orders|catalog|inventory]
  migrate`;

/** The password given on stdin: everything read, without one trailing line break. */
async function readPasswordFromStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('--password-stdin: pipe the password into stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

/** `user create|list|disable|enable` (admin.md §2): dashboard users of a tenant. The password is never printed. */
async function runUser(command: string | undefined, rest: string[], ds: DataSource, gateway: GatewayStore): Promise<void> {
  const passwordStdin = rest.includes('--password-stdin');
  const p = parseArgs(rest.filter((a) => a !== '--password-stdin'), ['tenant', 'email', 'name', 'role']);
  const store = new AdminStore(ds);
  const tenant = await gateway.getTenant(tenantSlug(required(p, 'tenant')));
  switch (command) {
    case 'create': {
      if (!passwordStdin) throw new UsageError('user create needs --password-stdin (the password is read from stdin)');
      const input = validateNewUser(
        { email: required(p, 'email'), name: p.flags.get('name'), role: p.flags.get('role'), password: await readPasswordFromStdin() },
        'admin',
      );
      if (!input.ok) {
        const [field, messages] = Object.entries(input.errors)[0]!;
        throw new UsageError(`${field === 'password' ? 'password' : `--${field}`}: ${messages[0]}`);
      }
      const created = await store.createUser(
        tenant.id,
        { email: input.value.email, name: input.value.name, role: input.value.role, passwordHash: await new Argon2idPasswordHasher().hash(input.value.password) },
        CLI_AUDIT,
      );
      if (!created.ok) throw new AdminError(`a user with email '${input.value.email}' already exists in tenant '${tenant.slug}'`);
      return out(created.value);
    }
    case 'list': {
      const users = [];
      let after = null;
      do {
        const page: Awaited<ReturnType<AdminStore['listUsers']>> = await store.listUsers(tenant.id, { limit: 200, after });
        users.push(...page.data);
        after = page.next;
      } while (after);
      return out(users.reverse());
    }
    case 'disable':
    case 'enable': {
      const email = p.positional[0];
      if (!email) throw new UsageError('an email is required');
      const user = await store.userByEmail(tenant.id, email);
      if (!user) throw new AdminError(`user '${email}' does not exist in tenant '${tenant.slug}'`);
      // Disabling ends the user's sessions in the same transaction.
      const changed = await store.updateUser(tenant.id, user.id, { is_active: command === 'enable' }, CLI_AUDIT);
      if (!changed.ok) throw new AdminError(changed.error === 'last_admin' ? `${LAST_ADMIN_MESSAGE} '${user.email}' is the last active admin of '${tenant.slug}'` : `user '${email}' does not exist`);
      return out(changed.value);
    }
  }
  throw new UsageError(USAGE);
}

/** `partner create|list` (custom-integrations.md §1): a partner made from a template gets its active mappings (§10.2), like on the admin API. */
async function runPartner(command: string | undefined, rest: string[], ds: DataSource, gateway: GatewayStore): Promise<void> {
  const p = parseArgs(rest, ['tenant', 'name', 'template', 'default-identifier-field']);
  const store = new AdminStore(ds);
  const tenant = await gateway.getTenant(tenantSlug(required(p, 'tenant')));
  switch (command) {
    case 'create': {
      const body: Record<string, unknown> = { name: required(p, 'name') };
      if (p.flags.has('template')) body['template'] = p.flags.get('template');
      if (p.flags.has('default-identifier-field')) body['default_identifier_field'] = p.flags.get('default-identifier-field');
      const input = validatePartnerCreate(body);
      if (!input.ok) {
        const [field, messages] = Object.entries(input.errors)[0]!;
        const hint = field === 'template' ? ` (one of ${PARTNER_TEMPLATE_SLUGS.join(', ')})` : '';
        throw new UsageError(`--${field.replace(/_/g, '-')}: ${messages[0]}${hint}`);
      }
      const created = await store.createPartner(tenant.id, input.value, CLI_AUDIT);
      if (!created.ok) throw new AdminError(`a partner named '${input.value.name}' already exists in tenant '${tenant.slug}'`);
      return out(created.value);
    }
    case 'list': {
      const partners: PartnerView[] = [];
      let after = null;
      do {
        const page: Awaited<ReturnType<AdminStore['listPartners']>> = await store.listPartners(tenant.id, { limit: 200, after });
        partners.push(...page.data);
        after = page.next;
      } while (after);
      return out(partners.reverse());
    }
  }
  throw new UsageError(USAGE);
}

async function run(argv: string[], store: GatewayStore, ds: DataSource): Promise<void> {
  const [group, command, ...rest] = argv;
  if (group === 'user') return runUser(command, rest, ds, store);
  if (group === 'partner') return runPartner(command, rest, ds, store);
  if (group === 'tenant') {
    const p = parseArgs(rest, ['name', 'log-retention-days']);
    switch (command) {
      case 'update': {
        const tenant = await store.getTenant(tenantSlug(p.positional[0]));
        const raw = p.flags.get('log-retention-days');
        if (raw === undefined) throw new UsageError('tenant update needs --log-retention-days N');
        if (!/^[0-9]+$/.test(raw) || Number(raw) < DEFAULT_LOG_RETENTION_DAYS || Number(raw) > MAX_LOG_RETENTION_DAYS) {
          throw new UsageError(`--log-retention-days must be a whole number of days from ${DEFAULT_LOG_RETENTION_DAYS} to ${MAX_LOG_RETENTION_DAYS}`);
        }
        // The next daily purge applies it (integration-logs.md §4); the change is audited.
        const days = await new IntegrationLogStore(ds).setLogRetentionDays(tenant.id, Number(raw), CLI_AUDIT);
        if (days === null) throw new AdminError(`tenant '${tenant.slug}' does not exist`);
        return out({ ...tenant, log_retention_days: days });
      }
      case 'create': {
        const slug = tenantSlug(p.positional[0]);
        const name = p.flags.get('name') ?? slug;
        if (name.length < 1 || name.length > 255) throw new UsageError('--name must have 1-255 characters');
        return out(await store.createTenant(slug, name));
      }
      case 'list':
        return out(await store.listTenants());
      case 'disable':
      case 'enable':
        return out(await store.setIntegrationEnabled(tenantSlug(p.positional[0]), command === 'enable'));
    }
  }
  if (group === 'key') {
    const p = parseArgs(rest, ['tenant', 'name', 'scopes', 'expires-at', 'rate-limit', 'partner']);
    switch (command) {
      case 'create': {
        const tenant = tenantSlug(required(p, 'tenant'));
        const name = required(p, 'name');
        if (name.length > 255) throw new UsageError('--name must have 1-255 characters');
        const scopesFlag = p.flags.get('scopes');
        const scopes = canonicalizeScopes(scopesFlag === undefined ? undefined : scopesFlag.split(',').map((s) => s.trim()).filter(Boolean));
        if (!scopes.ok) throw new UsageError(`--scopes: ${scopes.error.value !== undefined ? `'${String(scopes.error.value)}': ` : ''}${scopes.error.message}`);
        const expiresAt = p.flags.has('expires-at') ? futureDate(p.flags.get('expires-at')!, 'expires-at') : null;
        const rateLimit = p.flags.has('rate-limit') ? rateLimitFlag(p.flags.get('rate-limit')!, false) : null;
        let partnerId: string | null = null;
        if (p.flags.has('partner')) {
          const wanted = required(p, 'partner');
          const partner = await new AdminStore(ds).partnerByIdOrName((await store.getTenant(tenant)).id, wanted);
          if (!partner) throw new AdminError(`partner '${wanted}' does not exist in tenant '${tenant}'`);
          partnerId = partner.id;
        }
        const key = generateApiKey();
        const view = await store.insertKey({
          tenantSlug: tenant,
          name,
          prefix: keyPrefix(key),
          keyHash: hashApiKey(await store.hmacSecret(), key),
          scopes: scopes.value,
          expiresAt,
          rateLimitPerSecond: rateLimit,
          partnerId,
        });
        process.stderr.write(JSON.stringify(view) + '\n');
        process.stdout.write(key + '\n');
        return;
      }
      case 'list':
        return out(await store.listKeys(tenantSlug(required(p, 'tenant'))));
      case 'revoke':
      case 'activate':
        return out(await store.setKeyActive(tenantSlug(required(p, 'tenant')), keyId(p), command === 'activate'));
      case 'delete':
        return out(await store.deleteKey(tenantSlug(required(p, 'tenant')), keyId(p)));
      case 'update': {
        const tenant = tenantSlug(required(p, 'tenant'));
        const id = keyId(p);
        let view = null;
        if (p.flags.has('scopes')) {
          const scopes = canonicalizeScopes(p.flags.get('scopes')!.split(',').map((s) => s.trim()).filter(Boolean));
          if (!scopes.ok) throw new UsageError(`--scopes: ${scopes.error.value !== undefined ? `'${String(scopes.error.value)}': ` : ''}${scopes.error.message}`);
          view = await store.setKeyScopes(tenant, id, scopes.value);
        }
        if (p.flags.has('expires-at')) {
          const raw = p.flags.get('expires-at')!;
          view = await store.setKeyExpiry(tenant, id, raw === 'none' ? null : futureDate(raw, 'expires-at'));
        }
        if (p.flags.has('rate-limit')) {
          // limits-and-versioning.md §4: applies from the key's next request, on every gateway.
          const rateLimitPerSecond = rateLimitFlag(p.flags.get('rate-limit')!, true);
          const changed = await new AdminStore(ds).updateKey((await store.getTenant(tenant)).id, id, { rateLimitPerSecond }, CLI_AUDIT);
          if (!changed.ok) throw new AdminError(`key '${id}' does not exist in tenant '${tenant}'`);
          view = changed.value;
        }
        if (!view) throw new UsageError('key update needs --scopes, --expires-at or --rate-limit');
        return out(view);
      }
    }
  }
  throw new UsageError(USAGE);
}

/** The services in the order of the resources they own (orders, catalog, inventory): the order of the output. */
const SERVICES: readonly ServiceName[] = [...new Set(RESOURCE_NAMES.map((r) => RESOURCE_REGISTRY[r].service))];

/** `projections rebuild [--service X]`: rebuilds read models from the event store while the services keep answering. */
async function rebuildProjections(argv: string[], config: PlatformConfig, ds: DataSource, url: string): Promise<void> {
  const p = parseArgs(argv, ['service']);
  const service = p.flags.get('service');
  if (service !== undefined && !(SERVICES as readonly string[]).includes(service)) throw new UsageError(`--service must be one of ${SERVICES.join(', ')}`);
  // The store the services write to: PostgreSQL (this DATABASE_URL) or EventStoreDB.
  const opened = await openEventStore({ ...config, databaseUrl: url }, 'datamingle-admin', 2);
  const store = opened.store;
  try {
    const projections: Record<ServiceName, CatchUpProjection[]> = {
      orders: [new DocumentProjection(orderProjectionSpec, store, ORDER_COLUMNS)],
      catalog: [new DocumentProjection(productProjectionSpec, store, PRODUCT_COLUMNS)],
      inventory: [new DocumentProjection(locationProjectionSpec, store, LOCATION_COLUMNS), new InventoryLevelProjection()],
    };
    const results = [];
    for (const name of service ? [service as (typeof SERVICES)[number]] : SERVICES) {
      for (const projection of projections[name]) results.push({ service: name, ...(await rebuildProjection(ds, store, projection)) });
    }
    out(results);
  } finally {
    await opened.close();
  }
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  if (argv.length === 0 || argv[0] === 'help' || argv[0] === '--help') {
    process.stdout.write(USAGE + '\n');
    return argv.length === 0 ? 2 : 0;
  }
  let config: PlatformConfig;
  config = loadConfig();
  let embedded: EmbeddedDb | null = null;
  let url = config.databaseUrl;
  if (!url) {
    const port = runningEmbeddedPort(config.dataDir);
    if (port !== null) url = embeddedUrl(port);
    else {
      embedded = await startEmbeddedPostgres(config.dataDir, config.embeddedPostgresPort, () => undefined);
      url = embedded.url;
    }
  }
  try {
    const applied = await migrateAll(url, config);
    if (argv[0] === 'migrate') {
      out({ applied });
      return 0;
    }
    const ds = createReadModelDataSource({ url, poolSize: 2, restricted: false, applicationName: 'datamingle-admin' });
    await ds.initialize();
    try {
      if (argv[0] === 'projections' && argv[1] === 'rebuild') await rebuildProjections(argv.slice(2), config, ds, url);
      else await run(argv, new GatewayStore(ds), ds);
    } finally {
      await ds.destroy();
    }
    return 0;
  } finally {
    await embedded?.stop();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    const message = error instanceof Error ? error.message : String(error);
    process.stderr.write(`admin: ${message.split('\n')[0]}\n`);
    process.exit(error instanceof UsageError ? 2 : 1);
  },
);
