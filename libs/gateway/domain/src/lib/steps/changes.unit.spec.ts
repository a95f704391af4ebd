import { decodeFeedCursor, encodeFeedCursor } from './changes';

describe('change-feed cursors (history-feed-idempotency.md §2)', () => {
  const secret = Buffer.from('a'.repeat(64));
  const position = '00000000000000000787:00000000000000000001';

  it('round-trips a position (and the beginning, null) for the tenant that got it', () => {
    expect(decodeFeedCursor(secret, 'tenant-a', encodeFeedCursor(secret, 'tenant-a', position))).toEqual({ position });
    expect(decodeFeedCursor(secret, 'tenant-a', encodeFeedCursor(secret, 'tenant-a', null))).toEqual({ position: null });
  });

  it('refuses another tenant’s cursor, an altered one, one signed with another secret, and junk', () => {
    const cursor = encodeFeedCursor(secret, 'tenant-a', position);
    expect(decodeFeedCursor(secret, 'tenant-b', cursor)).toBe('invalid');
    const [payload, mac] = cursor.split('.') as [string, string];
    // The payload re-encoded for another tenant, with the original MAC.
    const forged = `${Buffer.from(JSON.stringify({ t: 'tenant-b', p: position })).toString('base64url')}.${mac}`;
    expect(decodeFeedCursor(secret, 'tenant-b', forged)).toBe('invalid');
    const flipped = `${payload.slice(0, -1)}${payload.endsWith('A') ? 'B' : 'A'}.${mac}`;
    expect(decodeFeedCursor(secret, 'tenant-a', flipped)).toBe('invalid');
    expect(decodeFeedCursor(Buffer.from('b'.repeat(64)), 'tenant-a', cursor)).toBe('invalid');
    for (const junk of ['', 'x', 'a.b', `${payload}.`, `${cursor}x`, 'x'.repeat(600)]) expect(decodeFeedCursor(secret, 'tenant-a', junk)).toBe('invalid');
  });
});
