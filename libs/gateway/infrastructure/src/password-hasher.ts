import { randomBytes } from 'node:crypto';
import { hash, verify } from '@node-rs/argon2';
import type { PasswordHasher } from '@datamingle/gateway-domain';

/** OWASP's minimum for argon2id: 19 MiB, two passes, one lane (admin.md §2). */
export const ARGON2ID_OPTIONS = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/**
 * The password hasher of the admin surface: argon2id (the library's default algorithm) at
 * {@link ARGON2ID_OPTIONS}, PHC strings with their own salt. Used by the gateway and the CLI.
 */
export class Argon2idPasswordHasher implements PasswordHasher {
  private dummy: Promise<string> | null = null;

  hash(password: string): Promise<string> {
    return hash(password, ARGON2ID_OPTIONS);
  }

  async verify(stored: string, password: string): Promise<boolean> {
    try {
      return await verify(stored, password);
    } catch {
      return false;
    }
  }

  /** A hash of a random password, made once: verifying against it costs what a real verification costs. */
  dummyHash(): Promise<string> {
    this.dummy ??= hash(randomBytes(32).toString('base64url'), ARGON2ID_OPTIONS);
    return this.dummy;
  }
}
