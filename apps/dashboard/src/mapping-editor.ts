/**
 * The Field mapping editor's model (custom-integrations.md §2): a mapping as editable rows and
 * back, the save-time errors of the admin API (`400 VALIDATION_ERROR` details, §2.4) placed at the
 * rows and fields they belong to, and the Preview panel's payload. Pure: no React, no requests.
 */

export const MAPPING_RESOURCES = ['orders', 'products', 'locations', 'inventory'] as const;
export type MappingResource = (typeof MAPPING_RESOURCES)[number];

export const RESOURCE_LABELS: Record<MappingResource, string> = { orders: 'Orders', products: 'Products', locations: 'Locations', inventory: 'Inventory' };

/** The eligible identifier fields of each resource (§2.4 rule 6); inventory has none. */
export const IDENTIFIER_FIELDS: Record<MappingResource, readonly string[]> = {
  orders: ['order_number', 'external_order_id'],
  products: ['sku'],
  locations: ['code'],
  inventory: [],
};

/** The nested mapping's target of each resource (§2.4 rule 3); products and locations have none. */
export const NESTED_TARGETS: Record<MappingResource, string | null> = { orders: 'items', products: null, locations: null, inventory: 'inventory' };

/** The "none" choice of the identifier field select (`identifier_field: null`). */
export const NO_IDENTIFIER = 'none';

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };

/** A mapping object as the admin API returns it (§2.1). */
export interface Mapping {
  id: string;
  partner: string;
  resource: MappingResource;
  name: string;
  is_active: boolean;
  identifier_field: string | null;
  field_map: Record<string, string>;
  nested_mappings: { source: string; target: string; field_map: Record<string, string> }[];
  static_values: Record<string, JsonValue>;
  created_at: string;
  updated_at: string;
}

/** The mapping fields the editor sends (create, replace, preview). */
export interface MappingBody {
  resource: MappingResource;
  name: string;
  identifier_field: string | null;
  field_map: Record<string, string>;
  nested_mappings: { source: string; target: string; field_map: Record<string, string> }[];
  static_values: Record<string, JsonValue>;
}

/** One editable rule: `from` (a field_map source or a static value's target) → `to` (a target path, or a static value as JSON text). */
export interface EditorRow {
  key: number;
  from: string;
  to: string;
}

export interface EditorState {
  name: string;
  /** An eligible field, or NO_IDENTIFIER. */
  identifierField: string;
  fieldMap: EditorRow[];
  nested: { source: string; target: string; rows: EditorRow[] } | null;
  staticValues: EditorRow[];
}

let nextKey = 1;
/** A fresh row (its key identifies it in the list, whatever its content). */
export function newRow(from = '', to = ''): EditorRow {
  return { key: nextKey++, from, to };
}

const rowsOf = (map: Record<string, string>): EditorRow[] => Object.entries(map).map(([from, to]) => newRow(from, to));

/** A stored mapping as editor rows (static values as pretty JSON text). */
export function editorFromMapping(mapping: Pick<Mapping, 'name' | 'identifier_field' | 'field_map' | 'nested_mappings' | 'static_values'>): EditorState {
  const nested = mapping.nested_mappings[0];
  return {
    name: mapping.name,
    identifierField: mapping.identifier_field ?? NO_IDENTIFIER,
    fieldMap: rowsOf(mapping.field_map),
    nested: nested ? { source: nested.source, target: nested.target, rows: rowsOf(nested.field_map) } : null,
    staticValues: Object.entries(mapping.static_values).map(([target, value]) => newRow(target, JSON.stringify(value))),
  };
}

/** An empty mapping of `resource`: one blank field map row. */
export function emptyEditor(resource: MappingResource, name = ''): EditorState {
  return { name, identifierField: NO_IDENTIFIER, fieldMap: [newRow()], nested: null, staticValues: [] };
}

/** The nested mapping a resource starts with when the user adds one. */
export function emptyNested(resource: MappingResource): EditorState['nested'] {
  return { source: '', target: NESTED_TARGETS[resource] ?? '', rows: [newRow()] };
}

/** Where an error shows: a field of the form, one row, or the general alert. */
export interface PlacedErrors {
  name: string[];
  identifierField: string[];
  /** Errors about the field map as a whole (e.g. too many entries). */
  fieldMap: string[];
  nested: string[];
  nestedSource: string[];
  nestedTarget: string[];
  staticValues: string[];
  /** By row key. */
  rows: Record<number, string[]>;
  general: string[];
}

export function noErrors(): PlacedErrors {
  return { name: [], identifierField: [], fieldMap: [], nested: [], nestedSource: [], nestedTarget: [], staticValues: [], rows: {}, general: [] };
}

export function hasErrors(errors: PlacedErrors): boolean {
  return (
    errors.name.length + errors.identifierField.length + errors.fieldMap.length + errors.nested.length + errors.nestedSource.length + errors.nestedTarget.length + errors.staticValues.length + errors.general.length >
      0 || Object.keys(errors.rows).length > 0
  );
}

function addRow(errors: PlacedErrors, key: number, messages: readonly string[]): void {
  const list = (errors.rows[key] ??= []);
  for (const m of messages) if (!list.includes(m)) list.push(m);
}

const trimmed = (rows: EditorRow[]) => rows.filter((r) => r.from.trim() !== '' || r.to.trim() !== '');

/**
 * The editor's content as the mapping the API takes, or the errors found before sending: a row
 * with only one side filled, a partner path used twice in one field map, a static value that is
 * not JSON. Blank rows are left out. Paths are sent as typed (trimmed); the API checks them.
 */
export function mappingFromEditor(state: EditorState, resource: MappingResource): { ok: true; body: MappingBody } | { ok: false; errors: PlacedErrors } {
  const errors = noErrors();
  const mapOf = (rows: EditorRow[]): Record<string, string> => {
    const map: Record<string, string> = {};
    const seen = new Map<string, number>();
    for (const row of trimmed(rows)) {
      const from = row.from.trim();
      const to = row.to.trim();
      if (!from) addRow(errors, row.key, ['Enter the partner path.']);
      if (!to) addRow(errors, row.key, ['Enter the internal path.']);
      if (!from || !to) continue;
      if (seen.has(from)) {
        addRow(errors, row.key, [`The partner path "${from}" is already mapped in this field map.`]);
        continue;
      }
      seen.set(from, row.key);
      map[from] = to;
    }
    return map;
  };
  const fieldMap = mapOf(state.fieldMap);
  const nested = state.nested ? [{ source: state.nested.source.trim(), target: state.nested.target.trim(), field_map: mapOf(state.nested.rows) }] : [];
  const staticValues: Record<string, JsonValue> = {};
  for (const row of trimmed(state.staticValues)) {
    const target = row.from.trim();
    if (!target) addRow(errors, row.key, ['Enter the internal path.']);
    let value: JsonValue | undefined;
    if (row.to.trim() === '') addRow(errors, row.key, ['Enter a JSON value, e.g. "acumatica" (with the quotes), 10, true or null.']);
    else {
      const parsed = parseJson(row.to);
      if (parsed.ok) value = parsed.value;
      else addRow(errors, row.key, [`The value is not valid JSON: ${parsed.message} Text needs quotes, e.g. "acumatica".`]);
    }
    if (!target || value === undefined) continue;
    if (Object.prototype.hasOwnProperty.call(staticValues, target)) {
      addRow(errors, row.key, [`The internal path "${target}" already has a value.`]);
      continue;
    }
    staticValues[target] = value;
  }
  if (hasErrors(errors)) return { ok: false, errors };
  const identifier = state.identifierField === NO_IDENTIFIER ? null : state.identifierField;
  return { ok: true, body: { resource, name: state.name.trim(), identifier_field: identifier, field_map: fieldMap, nested_mappings: nested, static_values: staticValues } };
}

/** The row of `rows` whose trimmed `from` is `path` (the API names an entry by its key). */
const rowAt = (rows: EditorRow[], path: string) => trimmed(rows).find((r) => r.from.trim() === path);

/**
 * The API's save-time errors (details keys of §2.4, e.g. `field_map.BillToContact.Email`,
 * `nested_mappings[0].field_map.InventoryID`, `nested_mappings[0].target`,
 * `static_values.metadata.source`, `identifier_field`, `name`) placed next to what they are
 * about; anything else (and an entry whose row is gone) goes to the general alert as `path: message`.
 * A `mapping.` prefix (the preview's request field) is ignored.
 */
export function placeErrors(details: Record<string, readonly string[]>, state: EditorState): PlacedErrors {
  const errors = noErrors();
  const general = (path: string, messages: readonly string[]) => {
    for (const m of messages) errors.general.push(path === 'non_field_errors' ? m : `${path}: ${m}`);
  };
  for (const [rawPath, rawMessages] of Object.entries(details)) {
    const messages = Array.isArray(rawMessages) ? rawMessages.map(String) : [String(rawMessages)];
    const path = rawPath.startsWith('mapping.') ? rawPath.slice('mapping.'.length) : rawPath;
    if (path === 'name') errors.name.push(...messages);
    else if (path === 'identifier_field') errors.identifierField.push(...messages);
    else if (path === 'field_map') errors.fieldMap.push(...messages);
    else if (path === 'static_values') errors.staticValues.push(...messages);
    else if (path === 'nested_mappings' || path === 'nested_mappings[0]' || path === 'nested_mappings[0].field_map') {
      if (state.nested || path === 'nested_mappings') errors.nested.push(...messages);
      else general(path, messages);
    } else if (path === 'nested_mappings[0].source' && state.nested) errors.nestedSource.push(...messages);
    else if (path === 'nested_mappings[0].target' && state.nested) errors.nestedTarget.push(...messages);
    else if (path.startsWith('field_map.')) {
      const row = rowAt(state.fieldMap, path.slice('field_map.'.length));
      if (row) addRow(errors, row.key, messages);
      else general(path, messages);
    } else if (path.startsWith('nested_mappings[0].field_map.') && state.nested) {
      const row = rowAt(state.nested.rows, path.slice('nested_mappings[0].field_map.'.length));
      if (row) addRow(errors, row.key, messages);
      else general(path, messages);
    } else if (path.startsWith('static_values.')) {
      const row = rowAt(state.staticValues, path.slice('static_values.'.length));
      if (row) addRow(errors, row.key, messages);
      else general(path, messages);
    } else general(path, messages);
  }
  return errors;
}

/** JSON text → value, or the parser's message. */
export function parseJson(text: string): { ok: true; value: JsonValue } | { ok: false; message: string } {
  try {
    return { ok: true, value: JSON.parse(text) as JsonValue };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, message: /[.!?]$/.test(message) ? message : `${message}.` };
  }
}

/** The Preview panel's payload: a JSON object (the integration API takes object bodies only), or what is wrong with it. */
export function parsePayload(text: string): { ok: true; value: { [key: string]: JsonValue } } | { ok: false; message: string } {
  if (text.trim() === '') return { ok: false, message: 'Paste a payload in the partner’s field names (a JSON object).' };
  const parsed = parseJson(text);
  if (!parsed.ok) return { ok: false, message: `The payload is not valid JSON: ${parsed.message}` };
  const v = parsed.value;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return { ok: false, message: 'The payload must be a JSON object ({…}).' };
  return { ok: true, value: v };
}

/** The preview's mapping errors (`errors`: caller path → messages) as lines `path: message`. */
export function errorLines(errors: Record<string, readonly string[]> | null | undefined): string[] {
  return Object.entries(errors ?? {}).flatMap(([path, messages]) => (Array.isArray(messages) ? messages : [String(messages)]).map((m) => `${path}: ${m}`));
}

/** A mapping's name for a new one: "<Partner> – <resource>", as templates name theirs (§10.2). */
export function defaultMappingName(partnerName: string, resource: MappingResource): string {
  return `${partnerName} – ${resource}`;
}

/** The mappings of one resource: the active one first, then the others in the API's order. */
export function byResource(mappings: readonly Mapping[]): Record<MappingResource, { active: Mapping | null; others: Mapping[] }> {
  const out = Object.fromEntries(MAPPING_RESOURCES.map((r) => [r, { active: null as Mapping | null, others: [] as Mapping[] }])) as Record<
    MappingResource,
    { active: Mapping | null; others: Mapping[] }
  >;
  for (const m of mappings) {
    const group = out[m.resource];
    if (!group) continue;
    if (m.is_active && !group.active) group.active = m;
    else group.others.push(m);
  }
  return out;
}
