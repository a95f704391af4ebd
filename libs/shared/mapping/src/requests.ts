import type { OperationName, ResourceName } from '@datamingle/contracts';
import type { ForwardMethod } from './engine';

/**
 * Which request bodies are mapped forward (custom-integrations.md §4), by operation: create
 * (`POST`, with static values), update (`PUT`) and, for orders only, cancel (`DELETE`, its
 * `reason` body). Product and location `DELETE` bodies are ignored by the platform, so they are
 * never mapped; reads have no body. `null`: the body is not mapped.
 */
export function forwardMethodOf(resource: ResourceName, operation: OperationName): ForwardMethod | null {
  switch (operation) {
    case 'create':
      return 'POST';
    case 'update':
      return 'PUT';
    case 'delete':
      return resource === 'orders' ? 'DELETE' : null;
    default:
      return null;
  }
}
