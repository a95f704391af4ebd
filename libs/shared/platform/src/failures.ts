import { GATEWAY_TIMEOUT_MESSAGE, MAX_LOGGED_PAYLOAD_BYTES, type OperationName, type ReplyLog, type ResourceName, type ServiceReply, type ServiceRequest } from '@datamingle/contracts';
import { isJsonObject, parseJsonBody, serializeJsonBounded } from '@datamingle/kernel';
import { EventStoreUnavailableError, writeOutcomeOf } from '@datamingle/event-store';
import type { Logger } from './logger';
import { PartnerMappings } from './partner-mapping';
import { continueTrace } from './tracing';

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

/**
 * True when `error` says a dependency could not be reached. A write-outcome error (in doubt, or
 * applied then failed) is judged by its cause: the failure it wraps.
 */
export function isUnavailable(error: unknown): boolean {
  if (error instanceof DependencyUnavailableError || error instanceof EventStoreUnavailableError) return true;
  if (typeof error !== 'object' || error === null) return false;
  if (writeOutcomeOf(error) !== 'none') return isUnavailable((error as { cause?: unknown }).cause);
  const e = error as { code?: unknown; message?: unknown; name?: unknown; driverError?: unknown };
  if (typeof e.code === 'string' && UNAVAILABLE_CODES.has(e.code)) return true;
  if (e.name === 'TimeoutError') return true;
  if (
    typeof e.message === 'string' &&
    /Connection terminated|timeout exceeded when trying to connect|Cannot use a pool after calling end|Client has encountered a connection error and is not queryable|Client was closed and is not queryable/i.test(
      e.message,
    )
  ) {
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

/** 504: the request's write may have been applied (errors.md §6.13); the caller checks the record before retrying. */
export const outcomeUnknownReply = (): ServiceReply => ({
  ok: false,
  error: { code: 'GATEWAY_TIMEOUT', message: GATEWAY_TIMEOUT_MESSAGE },
});

export const internalErrorReply = (): ServiceReply => ({
  ok: false,
  error: { code: 'INTERNAL_ERROR', message: 'An unexpected error occurred. Quote the request_id when contacting support.' },
});

/**
 * Runs a handler; failures become replies (services never throw across the transport).
 *
 * What the request's writes did travels with the error (@datamingle/event-store writeOutcomeOf):
 * the event-store adapters throw WriteInDoubtError when a commit-bearing write (an autocommit
 * append, the COMMIT of a transaction holding appended events, a KurrentDB append) failed without
 * proof that nothing was applied, and the write paths throw WriteAppliedError when a step after a
 * successful append (e.g. the projection) failed. A failure then becomes:
 *
 * - `504 GATEWAY_TIMEOUT` when a write was applied or is in doubt: the caller must check the
 *   record; `503` and `500` both promise that nothing was applied;
 * - otherwise `503 SERVICE_UNAVAILABLE` for an unreachable dependency, `500` for anything else.
 *
 * Reads never throw those errors, so they never become 504 here.
 */
export async function replyOf(run: () => Promise<ServiceReply>, logger: Logger, context: Record<string, unknown>): Promise<ServiceReply> {
  try {
    return await run();
  } catch (error) {
    const unavailable = isUnavailable(error);
    const outcome = writeOutcomeOf(error);
    if (outcome !== 'none') {
      // Logged with the failure itself (the write-outcome error's cause), as write_outcome says what it means.
      const log = { ...context, write_outcome: outcome, error: (error as { cause?: unknown }).cause ?? error };
      if (unavailable) logger.warn('dependency unavailable after a write that may be applied: answering 504', log);
      else logger.error('unexpected failure after a write that may be applied: answering 504', log);
      return outcomeUnknownReply();
    }
    if (unavailable) {
      logger.warn('dependency unavailable', { ...context, error });
      return unavailableReply();
    }
    logger.error('unexpected failure', { ...context, error });
    return internalErrorReply();
  }
}

/**
 * Base of a service's message controller: every handler runs through replyOf, so a failure
 * becomes a reply (504 when a write may have been applied, else 503 for an unreachable
 * dependency, 500 otherwise) logged with its request id.
 */
export abstract class ServiceMessageController {
  /** Compiled partner mappings of this process, by mapping version. */
  private static readonly partnerMappings = new PartnerMappings();

  constructor(protected readonly logger: Logger) {}

  /**
   * `route`: the integration-API operation the request is; a partner key's field mapping
   * (`request.mapping`) is applied to its body before `execute` and to the reply after it.
   */
  protected run(pattern: string, request: ServiceRequest, execute: () => Promise<ServiceReply>, route?: { resource: ResourceName; operation: OperationName }): Promise<ServiceReply> {
    // Traced (MessageSpanInterceptor), the events it stores carry this message's span.
    continueTrace(request);
    if (request.bodyUtf8 !== undefined) {
      // The body the gateway forwarded unparsed: step 13 (well-formed JSON object) happens here.
      const parsed = parseJsonBody(request.bodyUtf8);
      delete request.bodyUtf8;
      if (!parsed.ok) return Promise.resolve({ ok: false, error: parsed.error, log: { mappedBody: null } });
      request.body = parsed.value;
    }
    return replyOf(
      async () => {
        // Step 14 (forward, 422 MAPPING_ERROR stores nothing) before everything the use case does; step 18 (reverse) on its reply.
        const mapped = route !== undefined && request.mapping !== undefined ? ServiceMessageController.partnerMappings.apply(request, route.resource, route.operation) : null;
        if (mapped !== null && !mapped.ok) return { ...mapped.reply, log: { mappedBody: null } };
        const reply = await execute();
        const log = replyLog(reply, route, mapped?.forwarded === true ? request.body : undefined);
        const out = mapped === null ? reply : mapped.reverse(reply);
        return log === undefined ? out : { ...out, log };
      },
      this.logger,
      { pattern, request_id: request.requestId, tenant_id: request.tenantId },
    );
  }
}

/**
 * What the gateway's integration-log entry takes from the reply (integration-logs.md §2): the
 * internal body a partner mapping produced (serialized, at most the stored size: the cost is
 * bounded whatever the body's size), and the id of the one record the request was about —
 * read before the reply is reverse-mapped, where a partner may rename `id`.
 */
function replyLog(reply: ServiceReply, route: { resource: ResourceName; operation: OperationName } | undefined, mappedBody: Record<string, unknown> | undefined): ReplyLog | undefined {
  const log: ReplyLog = {};
  if (mappedBody !== undefined) {
    const serialized = serializeJsonBounded(mappedBody, MAX_LOGGED_PAYLOAD_BYTES);
    log.mappedBody = serialized.text;
    if (serialized.shortened) log.mappedBodyShortened = true;
  }
  if (reply.ok && route !== undefined && route.resource !== 'inventory' && route.operation !== 'list' && isJsonObject(reply.data) && typeof reply.data['id'] === 'string') {
    log.recordId = reply.data['id'];
  }
  return Object.keys(log).length > 0 ? log : undefined;
}
