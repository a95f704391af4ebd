import { RESOURCE_REGISTRY, type ApiError, type ServiceMapping } from '@datamingle/contracts';
import { compileMapping, forwardMethodOf } from '@datamingle/mapping';
import type { KeyPartner, Operation, PipelineDeps, Resource } from '../types';

/** What a partner key adds to the service request: the mapping to apply and the identifier field to match. */
export interface PartnerRequestFields {
  mapping?: ServiceMapping;
  identifierField?: string;
}

/**
 * Identifier resolution for partner keys (identifiers.md §2.2): the active mapping's
 * `identifier_field`, else the partner's `default_identifier_field` when it is an eligible field
 * of the resource, else `undefined` (the platform default, §2.1 and §3).
 */
export function partnerIdentifierField(resource: Resource, partner: KeyPartner): string | undefined {
  const eligible: readonly string[] = RESOURCE_REGISTRY[resource].identifierFields;
  const override = partner.activeMappings[resource]?.identifierField ?? null;
  // Save-time validation admits only eligible fields; anything else is not matched (defence in depth).
  if (override !== null && eligible.includes(override)) return override;
  const fallback = partner.defaultIdentifierField;
  if (fallback !== null && eligible.includes(fallback)) return fallback;
  return undefined;
}

/**
 * Step 14's part in the gateway: the partner's active mapping for the resource (state read with
 * the key, so a change made on the admin surface applies to the very next request on every
 * gateway) and the identifier field. The mapping itself runs in the owning service, where the
 * body is parsed (docs/architecture.md).
 */
export async function partnerRequestFields(deps: Pick<PipelineDeps, 'loadMapping'>, tenantId: string, resource: Resource, partner: KeyPartner | null): Promise<PartnerRequestFields> {
  if (partner === null) return {};
  const fields: PartnerRequestFields = {};
  const identifierField = partnerIdentifierField(resource, partner);
  if (identifierField !== undefined) fields.identifierField = identifierField;
  const active = partner.activeMappings[resource];
  if (active !== undefined) {
    const loaded = await deps.loadMapping(tenantId, active.version);
    // Gone between the key's lookup and now (deleted): the request is as if it came after.
    if (loaded !== null) fields.mapping = loaded;
  }
  return fields;
}

/**
 * Step 14 for a request the gateway answers itself at step 15 (an identifier segment that cannot
 * be decoded, whose body the gateway parsed): a body the partner's mapping cannot be applied to
 * is `422 MAPPING_ERROR` before that `404`, as the processing order says. Rare, so the mapping
 * is compiled here each time rather than cached.
 */
export function mappingErrorBeforeStep15(op: Operation, body: Record<string, unknown>, mapping: ServiceMapping | undefined): ApiError | null {
  if (mapping === undefined) return null;
  const method = forwardMethodOf(op.resource, op.name);
  if (method === null) return null;
  const forward = compileMapping(mapping.definition).forward(body, method);
  return forward.ok ? null : forward.error;
}
