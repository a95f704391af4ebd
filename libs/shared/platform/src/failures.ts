import type { ServiceReply, ServiceRequest } from '@datamingle/contracts';
import { parseJsonText } from '@datamingle/kernel';
import { EventStoreUnavailableError } from '@datamingle/event-store';
import type { Logger } from './logger';

const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now
  '53300', // too_many_connections
  '08000',
  '08001',
  '08003',
  '08006',
]);

/** A dependency (database, event store, another service) could not be reached. */
export class DependencyUnavailableError extends Error {
  constructor(message: string, override readonly cause?: unknown) {
    super(message);
    this.name = 'DependencyUnavailableError';
  }
}

export function isUnavailable(error: unknown): boolean {
  if (error instanceof DependencyUnavailableError || error instanceof EventStoreUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  const e = error as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'TimeoutError') return true;
  if (typeof e.message === 'string' && /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end/i.test(e.message)) {
    return true;
  }
  return e.driverError !== undefined && isUnavailable(e.driverError);
}

export const unavailableReply = (): ServiceReply => ({
  ok: false,
  error: {
    code: 'SERVICE_UNAVAILABLE',
    message: 'The service is temporarily unavailable. Retry after 30 seconds.',
    details: { retry_after: 30 },
  },
});

export const internalErrorReply = (): ServiceReply => ({
  ok: false,
  error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the request_id when contacting support.' },
});

/** Runs a handler; failures become replies (services never throw across the transport). */
export async function replyOf(run: () => Promise<ServiceReply>, logger: Logger, context: Record<string, unknown>): Promise<ServiceReply> {
  try {
    return await run();
  } catch (error) {
    if (isUnavailable(error)) {
      logger.warn('dependency unavailable', { ...context, error });
      return unavailableReply();
    }
    logger.error('unexpected failure', { ...context, error });
    return internalErrorReply();
  }
}

/**
 * Base of a service's message controller: every handler runs through replyOf, so a failure
 * becomes a reply (503 for an unreachable dependency, 500 otherwise) logged with its request id.
 */
export abstract class ServiceMessageController {
  constructor(protected readonly logger: Logger) {}

  protected run(pattern: string, request: ServiceRequest, execute: () => Promise<ServiceReply>): Promise<ServiceReply> {
    if (request.bodyJson !== undefined) {
      // A large body the gateway forwarded unparsed: step 13 (well-formed JSON object) happens here.
      const parsed = parseJsonText(request.bodyJson);
      delete request.bodyJson;
      if (!parsed.ok) return Promise.resolve({ ok: false, error: parsed.error });
      request.body = parsed.value;
    }
    return replyOf(execute, this.logger, { pattern, request_id: request.requestId, tenant_id: request.tenantId });
  }
}
