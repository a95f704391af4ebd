import type { ApiError } from '@datamingle/contracts';
import { checkJsonBodyUtf8, parseJsonBody } from '@datamingle/kernel';
import { headerValue } from '../headers';
import { checkBodyMediaType } from '../media-type';
import { gatewayErrors } from '../responses';
import type { RawRequest } from '../types';

export type BodyResult = { ok: true; value: Record<string, unknown>; raw?: Buffer } | { ok: false; error: ApiError };

/**
 * Steps 12 and 13. An empty body is `{}` whatever its headers say. Every other body is checked to
 * be UTF-8 here (without decoding it) and forwarded to the service as its bytes, to be parsed there by the one parser of the platform (the kernel's
 * `parseJsonText`, which keeps number literals that a double cannot hold exactly): the values a
 * service sees never depend on the body's size or on what the transport's JSON can carry, and the
 * gateway's event loop never parses a multi-megabyte bulk body. Only the gateway's own answers
 * after step 13 (an undecodable identifier, step 15) parse it here (`parseHere`).
 */
export function readBody(req: RawRequest, parseHere: boolean): BodyResult {
  const raw = req.body;
  // A body still pending here was only measured (bodyless methods never get here).
  if (raw === null || !Buffer.isBuffer(raw) || raw.length === 0) return { ok: true, value: {} };
  const media = checkBodyMediaType(headerValue(req.headers, 'content-type'), headerValue(req.headers, 'content-encoding'));
  if (!media.ok) return { ok: false, error: gatewayErrors.unsupportedMediaType(media.error.contentType) };
  if (parseHere) return parseJsonBody(raw);
  const invalid = checkJsonBodyUtf8(raw);
  return invalid === null ? { ok: true, value: {}, raw } : { ok: false, error: invalid };
}
