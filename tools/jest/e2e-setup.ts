// e2e tier: every response the test harness receives must match the OpenAPI document the gateway
// serves (status documented for the operation, body valid against its schema, required headers).
import { buildOpenApiDocument } from '@datamingle/gateway-openapi';
import { createResponseValidator } from '@datamingle/gateway-testing';
import { setResponseCheck } from '@datamingle/testing';

const validator = createResponseValidator(buildOpenApiDocument());

setResponseCheck((request, response) => {
  const result = validator.validate({ method: request.method, path: request.path, status: response.status, body: response.text, headers: response.headers });
  if (!result.ok) {
    throw new Error(`response does not match the OpenAPI document: ${request.method} ${request.path} → ${response.status}\n${result.errors.join('\n')}\nbody: ${response.text.slice(0, 500)}`);
  }
});
