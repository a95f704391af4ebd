import type { ApiError, ServiceReply, ServiceRequest } from '@datamingle/contracts';

export const TENANT = '0b4d3a52-5f8e-4d1b-9a43-6f0c1b2a3d4e';
export const OTHER_TENANT = '7c1e2f30-9a8b-4c5d-8e6f-102938475601';

/** A service request of TENANT as the gateway forwards it, with `overrides`. */
export function serviceRequest(overrides: Partial<ServiceRequest> = {}): ServiceRequest {
  return { tenantId: TENANT, tenantSlug: 'acme', requestId: 'req-1', query: {}, body: {}, ...overrides };
}

/** The data of a success reply (throws, showing the error, for a failure). */
export function replyData<T>(reply: ServiceReply): T {
  if (!reply.ok) throw new Error(`expected a success reply, got ${JSON.stringify(reply.error)}`);
  return reply.data as T;
}

/** The error of a failure reply (throws for a success). */
export function replyError(reply: ServiceReply): ApiError {
  if (reply.ok) throw new Error(`expected a failure reply, got ${reply.status} ${JSON.stringify(reply.data)}`);
  return reply.error;
}
