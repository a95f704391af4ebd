import {
  AUTH_MESSAGES,
  authErrorEnvelope,
  baseResponseHeaders,
  errorEnvelope,
  gatewayErrors,
  serializeJson,
  successEnvelope,
  validationError,
} from './responses';

describe('envelopes', () => {
  it('builds the error envelope with request_id', () => {
    expect(errorEnvelope(gatewayErrors.routeNotFound(), 'rid')).toEqual({
      success: false,
      error: { code: 'NOT_FOUND', message: 'The requested endpoint does not exist.' },
      request_id: 'rid',
    });
  });

  it('builds the authentication body with detail equal to the message', () => {
    expect(authErrorEnvelope('PERMISSION_DENIED', 'rid', { required_scope: 'integrations.orders.delete' })).toEqual({
      detail: 'You do not have permission to perform this action.',
      success: false,
      error: {
        code: 'PERMISSION_DENIED',
        message: 'You do not have permission to perform this action.',
        details: { required_scope: 'integrations.orders.delete' },
      },
      request_id: 'rid',
    });
    for (const [code, text] of Object.entries(AUTH_MESSAGES)) {
      const body = authErrorEnvelope(code as keyof typeof AUTH_MESSAGES, 'r');
      expect(body.detail).toBe(text);
      expect(body.error.message).toBe(text);
      expect(body.error).not.toHaveProperty('details');
    }
  });

  it('has the contractual authentication texts', () => {
    expect(AUTH_MESSAGES).toEqual({
      NOT_AUTHENTICATED: 'Authentication credentials were not provided.',
      AUTHENTICATION_FAILED: 'Invalid API key',
      KEY_EXPIRED: 'API key has expired',
      INTEGRATION_DISABLED: 'Integration API access is disabled for this tenant.',
      PERMISSION_DENIED: 'You do not have permission to perform this action.',
    });
  });

  it('builds success envelopes with and without pagination', () => {
    expect(successEnvelope({ a: 1 })).toEqual({ success: true, data: { a: 1 } });
    expect(successEnvelope([], { limit: 50, next_cursor: null })).toEqual({ success: true, data: [], pagination: { limit: 50, next_cursor: null } });
  });
});

describe('gatewayErrors', () => {
  it('uses the catalogue messages and details', () => {
    expect(gatewayErrors.payloadTooLarge()).toEqual({
      code: 'PAYLOAD_TOO_LARGE',
      message: 'Request body exceeds the limit of 10485760 bytes.',
      details: { max_bytes: 10485760 },
    });
    expect(gatewayErrors.methodNotAllowed('DELETE', ['GET', 'HEAD', 'OPTIONS'])).toEqual({
      code: 'METHOD_NOT_ALLOWED',
      message: 'Method DELETE is not allowed on this endpoint.',
      details: { allowed_methods: ['GET', 'HEAD', 'OPTIONS'] },
    });
    expect(gatewayErrors.unsupportedMediaType('text/plain')).toEqual({
      code: 'UNSUPPORTED_MEDIA_TYPE',
      message: 'Request body must be sent as application/json.',
      details: { content_type: 'text/plain' },
    });
    expect(gatewayErrors.internal()).toEqual({
      code: 'INTERNAL_ERROR',
      message: 'An unexpected error occurred. Quote the request_id when contacting support.',
    });
    expect(gatewayErrors.serviceUnavailable()).toEqual({
      code: 'SERVICE_UNAVAILABLE',
      message: 'The service is temporarily unavailable. Retry after 30 seconds.',
      details: { retry_after: 30 },
    });
    expect(gatewayErrors.gatewayTimeout()).toEqual({
      code: 'GATEWAY_TIMEOUT',
      message: 'The request did not complete within 60 seconds. It may still be applied; check the record before retrying.',
    });
  });

  it('cuts echoed identifiers to 200 characters', () => {
    expect(gatewayErrors.recordNotFound('locations', 'WH/SHELF-99').message).toBe("Location 'WH/SHELF-99' not found.");
    expect(gatewayErrors.recordNotFound('orders', 'x'.repeat(300)).message).toBe(`Order '${'x'.repeat(200)}' not found.`);
  });

  it('summarises field errors as "<path>: <message> (and N more)"', () => {
    expect(validationError({ a: ['m1', 'm2'], b: ['m3'] }).message).toBe('a: m1 (and 2 more)');
    expect(validationError({ a: ['m1'] }).message).toBe('a: m1');
    expect(gatewayErrors.invalidChoice('by', 'SKU')).toEqual({
      code: 'VALIDATION_ERROR',
      message: 'by: "SKU" is not a valid choice.',
      details: { by: ['"SKU" is not a valid choice.'] },
    });
  });
});

describe('baseResponseHeaders', () => {
  it('sends HSTS only off localhost', () => {
    expect(baseResponseHeaders('r', 'localhost')).toEqual({ 'X-Request-ID': 'r', 'Cache-Control': 'no-store' });
    expect(baseResponseHeaders('r', 'datamingle.ai')).toEqual({
      'X-Request-ID': 'r',
      'Cache-Control': 'no-store',
      'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
    });
  });
});

describe('serializeJson', () => {
  it('does not escape non-ASCII characters', () => {
    expect(serializeJson({ n: 'Çanta – 😀' })).toBe('{"n":"Çanta – 😀"}');
  });
});
