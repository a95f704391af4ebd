// The admin API's wiring (admin.md): the framework-free handler of @datamingle/gateway-domain with
// its ports — the PostgreSQL AdminStore, the argon2id hasher — and the server secrets.
import { randomUUID } from 'node:crypto';
import type { DataSource } from 'typeorm';
import { generateApiKey, handleAdminRequest, hashApiKey, keyPrefix, type AdminApiDeps, type RawRequest, type RawResponse } from '@datamingle/gateway-domain';
import { AdminStore, Argon2idPasswordHasher } from '@datamingle/gateway-infrastructure';
import { buildAdminOpenApiDocument } from '@datamingle/gateway-openapi';
import type { Logger } from '@datamingle/platform';

export interface AdminApiParts {
  ds: DataSource;
  baseDomain: string;
  /** The API keys' HMAC secret (the integration API's; keys created here authenticate there). */
  hmacSecret: () => string;
  logger: Pick<Logger, 'error'>;
}

/** The admin API as the HTTP server calls it: `ready()` once before listening, then `handle()` per request. */
export class AdminApi {
  private readonly deps: AdminApiDeps;
  private readonly store: AdminStore;
  private readonly passwords = new Argon2idPasswordHasher();
  private csrfSecret = '';

  constructor(parts: AdminApiParts) {
    this.store = new AdminStore(parts.ds);
    const openApi = JSON.stringify(buildAdminOpenApiDocument());
    this.deps = {
      baseDomain: parts.baseDomain,
      now: () => new Date(),
      newRequestId: () => randomUUID(),
      store: this.store,
      passwords: this.passwords,
      csrfSecret: () => this.csrfSecret,
      newApiKey: () => {
        const key = generateApiKey();
        return { key, prefix: keyPrefix(key), hash: hashApiKey(parts.hmacSecret(), key) };
      },
      openApiDocument: () => openApi,
      // The error only: never a request body (it may hold a password).
      onUnexpectedError: (error, requestId) => parts.logger.error('admin request failed', { request_id: requestId, error }),
    };
  }

  /** Loads the CSRF secret and computes the dummy password hash before the first request. */
  async ready(): Promise<void> {
    this.csrfSecret = await this.store.csrfSecret();
    await this.passwords.dummyHash();
  }

  handle(req: RawRequest): Promise<RawResponse> {
    return handleAdminRequest(req, this.deps);
  }
}
