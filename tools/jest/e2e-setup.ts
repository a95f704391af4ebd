// e2e tier: every response the test harness receives must match the OpenAPI document the gateway
// serves (status documented for the operation, body valid against its schema, required headers).
import { buildAdminOpenApiDocument, buildOpenApiDocument } from '@datamingle/gateway-openapi';
import { createAdminResponseValidator, createResponseValidator } from '@datamingle/gateway-testing';
import { isPartnerKey, setResponseCheck } from '@datamingle/testing';

const validator = createResponseValidator(buildOpenApiDocument());
// The admin API's responses against its own document (each validator skips the other's paths).
const adminValidator = createAdminResponseValidator(buildAdminOpenApiDocument());

setResponseCheck((request, response) => {
  // A partner key's records use the partner's names: checked loosely (envelopes and errors strictly).
  const input = { method: request.method, path: request.path, status: response.status, body: response.text, headers: response.headers, partnerMapped: isPartnerKey(request.key) };
  const integration = validator.validate(input);
  const result = integration.ok ? adminValidator.validate(input) : integration;
  if (!result.ok) {
    throw new Error(`response does not match the OpenAPI document: ${request.method} ${request.path} → ${response.status}\n${result.errors.join('\n')}\nbody: ${response.text.slice(0, 500)}`);
  }
});
