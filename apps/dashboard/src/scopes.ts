/**
 * The scopes a key can be given (auth-and-keys.md §5): `integrations.*`, or per resource the
 * actions it may take. The create form offers `integrations.*` (selected by default) or a
 * choice per resource; this turns the choice into the scope list sent to `POST api-keys/`.
 */
export const ALL_INTEGRATIONS = 'integrations.*';

export const RESOURCES = [
  { name: 'orders', label: 'Orders', actions: ['read', 'write', 'delete'] },
  { name: 'products', label: 'Products', actions: ['read', 'write', 'delete'] },
  { name: 'locations', label: 'Locations', actions: ['read', 'write', 'delete'] },
  { name: 'inventory', label: 'Inventory', actions: ['read', 'write'] },
] as const;

export type ResourceName = (typeof RESOURCES)[number]['name'];

/** Chosen actions per resource (`read`, `write`, `delete`). */
export type ScopeChoice = { all: true } | { all: false; perResource: Partial<Record<ResourceName, string[]>> };

/** The scope strings of a choice: `integrations.*`, `integrations.<r>.*` when every action of a resource is chosen, else one per action. */
export function scopesOf(choice: ScopeChoice): string[] {
  if (choice.all) return [ALL_INTEGRATIONS];
  const scopes: string[] = [];
  for (const resource of RESOURCES) {
    const chosen = (choice.perResource[resource.name] ?? []).filter((a) => (resource.actions as readonly string[]).includes(a));
    if (chosen.length === 0) continue;
    if (chosen.length === resource.actions.length) scopes.push(`integrations.${resource.name}.*`);
    else for (const action of resource.actions) if (chosen.includes(action)) scopes.push(`integrations.${resource.name}.${action}`);
  }
  return scopes;
}

/** Scopes as people read them in the table. */
export function describeScopes(scopes: readonly string[]): string {
  if (scopes.includes(ALL_INTEGRATIONS)) return 'All (integrations.*)';
  return scopes.map((s) => s.replace(/^integrations\./, '')).join(', ');
}
