/**
 * The subset of the OpenAPI 3.1 object model this library produces and reads. Schemas are plain
 * JSON Schema 2020-12 objects (OpenAPI 3.1's default dialect).
 */

/** A JSON Schema (2020-12) object or boolean schema. */
export type JsonSchema = boolean | JsonSchemaObject;

export interface JsonSchemaObject {
  $ref?: string;
  type?: string | string[];
  title?: string;
  description?: string;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: JsonSchema;
  items?: JsonSchema;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  examples?: unknown[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  allOf?: JsonSchema[];
  not?: JsonSchema;
  [keyword: string]: unknown;
}

export interface ReferenceObject {
  $ref: string;
  summary?: string;
  description?: string;
}

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch' | 'trace';
export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

export interface ParameterObject {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  description?: string;
  required?: boolean;
  style?: string;
  explode?: boolean;
  schema: JsonSchema;
  examples?: Record<string, ExampleObject>;
}

export interface HeaderObject {
  description?: string;
  required?: boolean;
  schema: JsonSchema;
}

export interface ExampleObject {
  summary?: string;
  description?: string;
  value: unknown;
}

export interface MediaTypeObject {
  schema: JsonSchema;
  examples?: Record<string, ExampleObject>;
}

export interface RequestBodyObject {
  description?: string;
  required?: boolean;
  content: Record<string, MediaTypeObject>;
}

export interface ResponseObject {
  description: string;
  headers?: Record<string, HeaderObject | ReferenceObject>;
  content?: Record<string, MediaTypeObject>;
}

export type SecurityRequirement = Record<string, string[]>;

export interface OperationObject {
  operationId: string;
  summary: string;
  description: string;
  tags: string[];
  security?: SecurityRequirement[];
  parameters?: Array<ParameterObject | ReferenceObject>;
  requestBody?: RequestBodyObject;
  responses: Record<string, ResponseObject | ReferenceObject>;
  /** The scope the operation requires (`null`: none). Mirrors `security` for readers. */
  'x-required-scope'?: string | null;
}

export interface PathItemObject {
  summary?: string;
  description?: string;
  parameters?: Array<ParameterObject | ReferenceObject>;
  get?: OperationObject;
  put?: OperationObject;
  post?: OperationObject;
  delete?: OperationObject;
  options?: OperationObject;
  head?: OperationObject;
  patch?: OperationObject;
  trace?: OperationObject;
}

export interface ServerVariableObject {
  default: string;
  description?: string;
  enum?: string[];
}

export interface ServerObject {
  url: string;
  description?: string;
  variables?: Record<string, ServerVariableObject>;
}

export interface TagObject {
  name: string;
  description?: string;
}

export interface SecuritySchemeObject {
  type: 'apiKey';
  name: string;
  in: 'header';
  description?: string;
}

/** One row of the error catalogue carried in the document (`x-error-catalogue`). */
export interface ErrorCatalogueEntry {
  code: string;
  status: number;
  meaning: string;
  retry: string;
}

export interface OpenApiDocument {
  openapi: '3.1.0';
  jsonSchemaDialect: string;
  info: {
    title: string;
    version: string;
    summary?: string;
    description?: string;
  };
  servers: ServerObject[];
  security: SecurityRequirement[];
  tags: TagObject[];
  paths: Record<string, PathItemObject>;
  components: {
    schemas: Record<string, JsonSchema>;
    parameters: Record<string, ParameterObject>;
    headers: Record<string, HeaderObject>;
    responses: Record<string, ResponseObject>;
    securitySchemes: Record<string, SecuritySchemeObject>;
  };
  /** The complete error-code catalogue (errors.md §3), for readers such as the docs page. */
  'x-error-catalogue': ErrorCatalogueEntry[];
  /**
   * Responses that apply to requests matching no documented operation: an unknown path under the
   * base path (`404`) or an unsupported method on a known path (`405`), plus the failures that
   * precede routing. Keys are status codes, values `$ref`s into `components.responses`.
   */
  'x-unmatched-responses': {
    unknownPath: Record<string, ReferenceObject>;
    unsupportedMethod: Record<string, ReferenceObject>;
  };
}

export function isReference(value: unknown): value is ReferenceObject {
  return typeof value === 'object' && value !== null && typeof (value as { $ref?: unknown }).$ref === 'string';
}
