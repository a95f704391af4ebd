import { AUDITED_KEY_FIELDS, AUDITED_USER_FIELDS, auditEvent, CLI_AUDIT, diffChanges, keyUpdateAction, userUpdateAction } from './audit';
import { rotatedKeyName, validateKeyCreate, validateKeyUpdate } from './keys';
import { passwordProblem, validateNewUser, validateUserPatch } from './users';

const NOW = new Date('2026-05-01T12:00:00Z');

describe('audit events', () => {
  it('name only changed, allow-listed fields as [before, after]; a creation has before null', () => {
    const before = { name: 'a', scopes: ['integrations.*'], is_active: true, key_hash: 'secret-hash' };
    const after = { name: 'b', scopes: ['integrations.*'], is_active: false, key_hash: 'other-hash' };
    expect(diffChanges(before, after, ['name', 'scopes', 'is_active'])).toEqual({ name: ['a', 'b'], is_active: [true, false] });
    expect(diffChanges(null, { email: 'x@y', role: 'admin' }, ['email', 'role'])).toEqual({ email: [null, 'x@y'], role: [null, 'admin'] });
    expect(AUDITED_KEY_FIELDS).not.toContain('key' as never);
    expect(AUDITED_USER_FIELDS).not.toContain('password_hash' as never);
  });

  it('name the action of an update after what changed', () => {
    expect(keyUpdateAction({ is_active: [true, false] })).toBe('api_key.revoked');
    expect(keyUpdateAction({ is_active: [false, true] })).toBe('api_key.activated');
    expect(keyUpdateAction({ is_active: [true, false], name: ['a', 'b'] })).toBe('api_key.updated');
    expect(userUpdateAction({ is_active: [true, false] })).toBe('user.disabled');
    expect(userUpdateAction({ role: ['admin', 'viewer'] })).toBe('user.updated');
  });

  it('carry the actor, request id and client address of the context', () => {
    expect(auditEvent(CLI_AUDIT, 'settings.updated', { type: 'settings', id: 't', name: 'acme' }, { integration_enabled: [true, false] })).toEqual({
      action: 'settings.updated',
      actor: { type: 'cli' },
      target: { type: 'settings', id: 't', name: 'acme' },
      changes: { integration_enabled: [true, false] },
      requestId: null,
      clientIp: null,
    });
  });
});

describe('user input', () => {
  it('passwords have 12–256 characters', () => {
    expect(passwordProblem('x'.repeat(11))).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(12))).toBeNull();
    expect(passwordProblem('x'.repeat(256))).toBeNull();
    expect(passwordProblem('x'.repeat(257))).toMatch(/no more than 256/);
    expect(passwordProblem(123)).toBe('Not a valid string.');
  });

  it('a new user: email and password required, role default as given, errors in field order', () => {
    expect(validateNewUser({ email: ' Ops@Acme.example ', password: 'x'.repeat(12) }, 'viewer')).toEqual({ ok: true, value: { email: 'Ops@Acme.example', name: '', role: 'viewer', password: 'x'.repeat(12) } });
    const bad = validateNewUser({ email: 'no-at-sign', role: 'owner', name: 5 }, 'admin');
    expect(bad.ok).toBe(false);
    expect(!bad.ok && Object.keys(bad.errors)).toEqual(['email', 'name', 'role', 'password']);
  });

  it('refuses emails and names PostgreSQL cannot store (U+0000, an unpaired surrogate)', () => {
    expect(validateNewUser({ email: 'a\u0000@acme.example', name: 'x\udc00', password: 'x'.repeat(12) }, 'admin')).toEqual({
      ok: false,
      errors: { email: ['Not a valid string.'], name: ['Not a valid string.'] },
    });
    expect(validateKeyCreate({ name: 'key\u0000' }, NOW)).toEqual({ ok: false, errors: { name: ['Not a valid string.'] } });
  });

  it('a user patch takes name, role and is_active only', () => {
    expect(validateUserPatch({ name: 'N', role: 'viewer', is_active: false, email: 'ignored@x' })).toEqual({ ok: true, value: { name: 'N', role: 'viewer', is_active: false } });
    const bad = validateUserPatch({ role: 'root', is_active: 'no' });
    expect(!bad.ok && bad.errors).toEqual({ role: ['"root" is not a valid choice.'], is_active: ['Must be a valid boolean.'] });
  });
});

describe('API key input', () => {
  it('create: name required, default scopes, canonical legacy scopes, future expiry, rate limit 1–10000, partner a UUID or null', () => {
    expect(validateKeyCreate({ name: ' ERP ' }, NOW)).toEqual({ ok: true, value: { name: 'ERP', scopes: ['integrations.*'], expiresAt: null, isActive: true, rateLimitPerSecond: null, partnerId: null } });
    expect(validateKeyCreate({ name: 'p', partner: '7E3A9F12-5B6C-4D8E-9F01-23456789ABCD' }, NOW)).toMatchObject({ ok: true, value: { partnerId: '7e3a9f12-5b6c-4d8e-9f01-23456789abcd' } });
    expect(validateKeyCreate({ name: 'p', partner: null }, NOW)).toMatchObject({ ok: true, value: { partnerId: null } });
    expect(validateKeyCreate({ name: 'p', partner: 'acme' }, NOW)).toEqual({ ok: false, errors: { partner: ['Must be a valid UUID.'] } });
    expect(validateKeyCreate({ name: 'x', scopes: ['integrations.inventorys.read', 'integrations.inventory.read'] }, NOW)).toMatchObject({ ok: true, value: { scopes: ['integrations.inventory.read'] } });
    const bad = validateKeyCreate({ scopes: [], expires_at: '2026-04-01T00:00:00Z', rate_limit_per_second: 10_001, partner: 42 }, NOW);
    expect(!bad.ok && Object.keys(bad.errors)).toEqual(['name', 'scopes', 'partner', 'expires_at', 'rate_limit_per_second']);
    expect(validateKeyCreate({ name: 'x', scopes: ['integrations.inventory.delete'] }, NOW)).toEqual({ ok: false, errors: { 'scopes[0]': ['"integrations.inventory.delete" is not a valid choice.'] } });
  });

  it('update: only the given fields; partner cannot change; null clears expiry and rate limit', () => {
    expect(validateKeyUpdate({ expires_at: null, rate_limit_per_second: null }, NOW)).toEqual({ ok: true, value: { expiresAt: null, rateLimitPerSecond: null } });
    expect(validateKeyUpdate({ partner: null }, NOW)).toEqual({ ok: false, errors: { partner: ['This field cannot be changed.'] } });
    expect(validateKeyUpdate({ is_active: 'false' }, NOW)).toEqual({ ok: false, errors: { is_active: ['Must be a valid boolean.'] } });
  });

  it('a rotated key is named "<name> (rotated <date>)" within 255 characters', () => {
    expect(rotatedKeyName('ERP sync', NOW)).toBe('ERP sync (rotated 2026-05-01)');
    const long = rotatedKeyName('n'.repeat(255), NOW);
    expect(long).toHaveLength(255);
    expect(long.endsWith(' (rotated 2026-05-01)')).toBe(true);
  });
});
