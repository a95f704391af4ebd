/**
 * The admin CLI's user commands (platform.md, admin.md §2) and the audit events the CLI writes
 * (admin.md §5, actor `{"type": "cli"}`), run as the built CLI against a fresh database.
 */
import { runAdminWithInput } from '@datamingle/testing';
import { startAdminCli, type AdminCli } from './testing-support/admin-cli';

const PASSWORD = 'correct horse battery staple';

describe('admin CLI: users and audit events', () => {
  let cli: AdminCli;
  let env: NodeJS.ProcessEnv;
  let db: AdminCli['db'];
  const admin = (...args: string[]) => cli.admin(...args);
  const createUser = (email: string, password: string, ...extra: string[]) =>
    runAdminWithInput(env, ['user', 'create', '--tenant', 'acme', '--email', email, ...extra, '--password-stdin'], `${password}\n`);
  const audit = async () =>
    (await db.query(`SELECT action, actor, target, changes FROM gateway.audit_events ORDER BY occurred_at, id`)).rows as Array<{ action: string; actor: unknown; target: { id: string }; changes: unknown }>;

  beforeAll(async () => {
    cli = await startAdminCli('admin_cli');
    ({ env, db } = cli);
  }, 60_000);

  afterAll(async () => {
    await cli?.close();
  });

  it('user create reads the password from stdin, prints the user (never the password) and stores only an argon2id hash', async () => {
    const out = await createUser('Ops@Acme.example', PASSWORD, '--name', 'Ops');
    const user = JSON.parse(out);
    expect(user).toEqual({
      id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      email: 'Ops@Acme.example',
      name: 'Ops',
      role: 'admin',
      is_active: true,
      created_at: expect.stringMatching(/Z$/),
      last_sign_in_at: null,
    });
    expect(out).not.toContain(PASSWORD);
    const { rows } = await db.query(`SELECT password_hash FROM gateway.users WHERE id = $1`, [user.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(rows[0].password_hash).not.toContain(PASSWORD);
  }, 30_000);

  it('refuses a password outside 12–256 characters, a duplicate email (any case), a bad role, and a missing --password-stdin', async () => {
    await expect(createUser('short@acme.example', 'elevenchars')).rejects.toThrow(/password: Ensure this field has at least 12 characters/);
    await expect(createUser('long@acme.example', 'x'.repeat(257))).rejects.toThrow(/no more than 256/);
    await expect(createUser('OPS@acme.EXAMPLE', PASSWORD)).rejects.toThrow(/already exists/);
    await expect(createUser('role@acme.example', PASSWORD, '--role', 'owner')).rejects.toThrow(/--role/);
    await expect(admin('user', 'create', '--tenant', 'acme', '--email', 'x@acme.example')).rejects.toThrow(/--password-stdin/);
    const { rows } = await db.query(`SELECT email FROM gateway.users`);
    expect(rows.map((r) => r.email)).toEqual(['Ops@Acme.example']);
  }, 60_000);

  it('user list, disable (ends sessions) and enable; the last active admin cannot be disabled', async () => {
    const viewer = JSON.parse(await createUser('viewer@acme.example', PASSWORD, '--role', 'viewer'));
    expect(viewer.role).toBe('viewer');
    const list = JSON.parse(await admin('user', 'list', '--tenant', 'acme'));
    expect(list.map((u: { email: string }) => u.email)).toEqual(['Ops@Acme.example', 'viewer@acme.example']);
    expect(JSON.stringify(list)).not.toContain('password');

    await expect(admin('user', 'disable', '--tenant', 'acme', 'ops@acme.example')).rejects.toThrow(/at least one active admin/);

    const [{ tenant_id }] = (await db.query(`SELECT tenant_id FROM gateway.users WHERE id = $1`, [viewer.id])).rows;
    await db.query(`INSERT INTO gateway.sessions (token_hash, tenant_id, user_id) VALUES ($1, $2, $3)`, ['f'.repeat(64), tenant_id, viewer.id]);
    const disabled = JSON.parse(await admin('user', 'disable', '--tenant', 'acme', 'VIEWER@acme.example'));
    expect(disabled).toMatchObject({ id: viewer.id, is_active: false });
    expect((await db.query(`SELECT count(*)::int AS n FROM gateway.sessions WHERE user_id = $1`, [viewer.id])).rows[0].n).toBe(0);
    expect(JSON.parse(await admin('user', 'enable', '--tenant', 'acme', 'viewer@acme.example'))).toMatchObject({ is_active: true });
    await expect(admin('user', 'disable', '--tenant', 'acme', 'nobody@acme.example')).rejects.toThrow(/does not exist/);
  }, 60_000);

  it('every CLI change (tenant, users, keys, integration switch) writes one audit event with actor {"type":"cli"} and no secret', async () => {
    const before = (await audit()).length;
    const keyRun = await cli.run('key', 'create', '--tenant', 'acme', '--name', 'audited');
    const key = keyRun.stdout.trim();
    const keyId = JSON.parse(keyRun.stderr.trim().split('\n').pop()!).id as string;
    // Output unchanged: one line, the key.
    expect(keyRun.stdout).toMatch(/^sk_live_[0-9A-Za-z]{40}\n$/);
    await admin('key', 'revoke', '--tenant', 'acme', keyId);
    await admin('key', 'activate', '--tenant', 'acme', keyId);
    await admin('key', 'update', '--tenant', 'acme', keyId, '--scopes', 'integrations.orders.read');
    await admin('tenant', 'disable', 'acme');
    await admin('tenant', 'enable', 'acme');
    await admin('key', 'delete', '--tenant', 'acme', keyId);
    const events = (await audit()).slice(before);
    expect(events.map((e) => e.action)).toEqual(['api_key.created', 'api_key.revoked', 'api_key.activated', 'api_key.updated', 'settings.updated', 'settings.updated', 'api_key.deleted']);
    for (const e of events) expect(e.actor).toEqual({ type: 'cli' });
    expect(events[3]!.changes).toEqual({ scopes: [['integrations.*'], ['integrations.orders.read']] });
    expect(events[4]!.changes).toEqual({ integration_enabled: [true, false] });
    const all = await audit();
    expect(all.map((e) => e.action)).toEqual(expect.arrayContaining(['tenant.created', 'user.created', 'user.disabled', 'user.enabled']));
    const text = JSON.stringify(all);
    expect(text).not.toContain(key);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain('argon2');
  }, 60_000);
});
