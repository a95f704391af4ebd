/**
 * Save-time validation of a field mapping (custom-integrations.md §2.3 schema and §2.4 rules), as
 * the admin API answers it: `400 VALIDATION_ERROR` with these field errors as `details`.
 *
 * Error paths: the mapping's own field names (`resource`, `name`, `is_active`,
 * `identifier_field`, `field_map`, `nested_mappings`, `static_values`), one entry of an object by
 * its key after a dot (`field_map.BillToContact.Email`, `static_values.metadata.source`), nested
 * mappings by index (`nested_mappings[0].field_map.InventoryID`), and `non_field_errors` for the
 * size of the whole mapping. Messages quote the offending path or value.
 */
import type { FieldErrors } from '@datamingle/contracts';
import { err, ok, utf8ByteLength, type Result } from '@datamingle/kernel';
import {
  ELEMENT_REQUEST_FIELDS,
  ELEMENT_RESPONSE_ONLY_FIELDS,
  IDENTIFIER_FIELDS,
  MAPPING_RESOURCES,
  MAX_FIELD_MAP_ENTRIES,
  MAX_MAPPING_BYTES,
  MAX_STATIC_VALUE_BYTES,
  MAX_STATIC_VALUES,
  NESTED_TARGET,
  REQUEST_FIELDS,
  RESPONSE_ONLY_FIELDS,
  type FieldMap,
  type MappingDefinition,
  type MappingResource,
  type NestedMapping,
} from './mapping';
import { deepCopy, formatPath, isPlainObject, MAX_PATH_STEPS, parsePath, setMember, type Step } from './paths';

const MAPPING_KEYS = new Set(['id', 'partner', 'resource', 'name', 'is_active', 'identifier_field', 'field_map', 'nested_mappings', 'static_values', 'created_at', 'updated_at']);
const NESTED_KEYS = new Set(['source', 'target', 'field_map']);

/** Messages of the save-time rules. */
export const VALIDATION_MESSAGES = {
  required: 'This field is required.',
  notString: 'Not a valid string.',
  blank: 'This field may not be blank.',
  tooLong: (n: number) => `Ensure this field has no more than ${n} characters.`,
  notBoolean: 'Must be a valid boolean.',
  notObject: 'Expected a JSON object.',
  notList: 'Expected a list of items.',
  tooManyElements: (n: number) => `Ensure this field has no more than ${n} elements.`,
  tooManyEntries: (n: number) => `Ensure this object has no more than ${n} entries.`,
  invalidChoice: (value: string) => `"${value}" is not a valid choice.`,
  unknownField: 'Unknown field.',
  invalidPath: (path: string) => `"${path}" is not a valid path.`,
  tooManySteps: (path: string) => `"${path}" has more than ${MAX_PATH_STEPS} steps.`,
  notAField: (field: string, resource: string) => `"${field}" is not a field of ${resource}.`,
  notARequestField: (field: string, resource: string) => `"${field}" is not a request field of ${resource}.`,
  notAnElementField: (field: string, target: string) => `"${field}" is not a field of an ${target} element.`,
  noNestedMappings: (resource: string) => `${resource} mappings have no nested mappings.`,
  wrongNestedTarget: (resource: string, target: string) => `${resource} nested mappings must target "${target}".`,
  sourceEndsWithIndex: 'The source path must not end with an index step.',
  duplicateTarget: (path: string) => `The target "${path}" is already used in this mapping.`,
  insideNestedTarget: (path: string, target: string) => `The target "${path}" lies inside the nested target "${target}".`,
  duplicateElementTarget: (path: string) => `The target "${path}" is already used in this nested mapping.`,
  sourceTwice: (path: string) => `"${path}" is both a nested source and a field_map source.`,
  inexactNumber: 'A number in this value cannot be stored exactly.',
  staticValueTooLarge: `Ensure this value is no larger than ${MAX_STATIC_VALUE_BYTES} bytes when serialized.`,
  mappingTooLarge: `Ensure the mapping is no larger than ${MAX_MAPPING_BYTES} bytes when serialized.`,
} as const;

const M = VALIDATION_MESSAGES;

class Collector {
  readonly errors: FieldErrors = {};
  add(path: string, message: string): void {
    // own members only: a path may be `constructor` or `__proto__`
    let list = Object.prototype.hasOwnProperty.call(this.errors, path) ? this.errors[path] : undefined;
    if (list === undefined) setMember(this.errors, path, (list = []));
    if (!list.includes(message)) list.push(message);
  }
  get empty(): boolean {
    return Object.keys(this.errors).length === 0;
  }
}

/** A path checked against §3 and §2.4 rule 1; its steps, or `null` after reporting at `at`. */
function checkPath(value: unknown, at: string, errors: Collector): Step[] | null {
  if (typeof value !== 'string') {
    errors.add(at, M.notString);
    return null;
  }
  const steps = parsePath(value);
  if (steps === null) {
    errors.add(at, M.invalidPath(value));
    return null;
  }
  if (steps.length > MAX_PATH_STEPS) {
    errors.add(at, M.tooManySteps(value));
    return null;
  }
  return steps;
}

/** Whether a JSON value holds a number literal the parser could not turn into a double (it cannot be stored). */
function holdsInexactNumber(value: unknown): boolean {
  if (typeof value !== 'object' || value === null) return false;
  if (Array.isArray(value)) return value.some(holdsInexactNumber);
  if (!isPlainObject(value)) return true;
  return Object.keys(value).some((k) => holdsInexactNumber(value[k]));
}

const utf8Length = utf8ByteLength;

interface Rule {
  source: string;
  sourceSteps: Step[];
  target: string;
  targetSteps: Step[];
  at: string;
}

/** Reads a `field_map` object: entries with valid paths, errors for the others. */
function checkFieldMap(value: unknown, at: string, errors: Collector): Rule[] {
  if (!isPlainObject(value)) {
    errors.add(at, M.notObject);
    return [];
  }
  const keys = Object.keys(value);
  if (keys.length > MAX_FIELD_MAP_ENTRIES) errors.add(at, M.tooManyEntries(MAX_FIELD_MAP_ENTRIES));
  const rules: Rule[] = [];
  for (const source of keys) {
    const entryAt = `${at}.${source}`;
    const sourceSteps = checkPath(source, entryAt, errors);
    const targetSteps = checkPath(value[source], entryAt, errors);
    if (sourceSteps && targetSteps) rules.push({ source, sourceSteps, target: value[source] as string, targetSteps, at: entryAt });
  }
  return rules;
}

/**
 * Validates a mapping as the admin surface receives it (create or replace). Returns the stored
 * form (defaults of §2.3 applied, a deep copy) or the field errors.
 */
export function validateMapping(input: unknown): Result<MappingDefinition, FieldErrors> {
  const errors = new Collector();
  if (!isPlainObject(input)) {
    errors.add('non_field_errors', M.notObject);
    return err(errors.errors);
  }
  for (const key of Object.keys(input)) if (!MAPPING_KEYS.has(key)) errors.add(key, M.unknownField);

  // resource
  let resource: MappingResource | null = null;
  if (!Object.prototype.hasOwnProperty.call(input, 'resource')) errors.add('resource', M.required);
  else if (typeof input.resource !== 'string') errors.add('resource', M.notString);
  else if (!(MAPPING_RESOURCES as readonly string[]).includes(input.resource)) errors.add('resource', M.invalidChoice(input.resource));
  else resource = input.resource as MappingResource;

  // name, is_active
  if (input.name !== undefined) {
    if (typeof input.name !== 'string') errors.add('name', M.notString);
    else if (input.name.length === 0) errors.add('name', M.blank);
    else if ([...input.name].length > 255) errors.add('name', M.tooLong(255));
  }
  if (input.is_active !== undefined && typeof input.is_active !== 'boolean') errors.add('is_active', M.notBoolean);

  // identifier_field (rule 6)
  const identifier = input.identifier_field === undefined ? null : input.identifier_field;
  if (identifier !== null) {
    if (typeof identifier !== 'string') errors.add('identifier_field', M.notString);
    else if (resource !== null && !IDENTIFIER_FIELDS[resource].includes(identifier)) errors.add('identifier_field', M.invalidChoice(identifier));
    else if (resource === null && !['order_number', 'external_order_id', 'sku', 'code'].includes(identifier)) errors.add('identifier_field', M.invalidChoice(identifier));
  }

  // field_map (rules 1, 2)
  const rules = input.field_map === undefined ? [] : checkFieldMap(input.field_map, 'field_map', errors);
  if (resource !== null) {
    const allowed = [...REQUEST_FIELDS[resource], ...RESPONSE_ONLY_FIELDS[resource]];
    for (const rule of rules) {
      const first = rule.targetSteps[0] as string;
      if (!allowed.includes(first)) errors.add(rule.at, M.notAField(first, resource));
    }
  }

  // static_values (rules 1, 2, 7)
  const statics: Array<{ target: string; steps: Step[]; at: string }> = [];
  if (input.static_values !== undefined) {
    const sv = input.static_values;
    if (!isPlainObject(sv)) errors.add('static_values', M.notObject);
    else {
      const keys = Object.keys(sv);
      if (keys.length > MAX_STATIC_VALUES) errors.add('static_values', M.tooManyEntries(MAX_STATIC_VALUES));
      for (const target of keys) {
        const at = `static_values.${target}`;
        const steps = checkPath(target, at, errors);
        if (steps) {
          statics.push({ target, steps, at });
          if (resource !== null && !REQUEST_FIELDS[resource].includes(steps[0] as string)) errors.add(at, M.notARequestField(steps[0] as string, resource));
        }
        if (holdsInexactNumber(sv[target])) errors.add(at, M.inexactNumber);
        else if (utf8Length(JSON.stringify(sv[target]) ?? 'null') > MAX_STATIC_VALUE_BYTES) errors.add(at, M.staticValueTooLarge);
      }
    }
  }

  // nested_mappings (rules 3, 4)
  const nested: Array<{ source: string; sourceSteps: Step[]; target: 'items' | 'inventory'; rules: Rule[]; at: string }> = [];
  if (input.nested_mappings !== undefined) {
    const nm = input.nested_mappings;
    if (!Array.isArray(nm)) errors.add('nested_mappings', M.notList);
    else {
      if (nm.length > 1) errors.add('nested_mappings', M.tooManyElements(1));
      if (resource !== null && NESTED_TARGET[resource] === null && nm.length > 0) errors.add('nested_mappings', M.noNestedMappings(resource));
      nm.forEach((entry: unknown, i: number) => {
        const at = `nested_mappings[${i}]`;
        if (!isPlainObject(entry)) {
          errors.add(at, M.notObject);
          return;
        }
        for (const key of Object.keys(entry)) if (!NESTED_KEYS.has(key)) errors.add(`${at}.${key}`, M.unknownField);
        let sourceSteps: Step[] | null = null;
        if (entry.source === undefined) errors.add(`${at}.source`, M.required);
        else {
          sourceSteps = checkPath(entry.source, `${at}.source`, errors);
          if (sourceSteps && typeof sourceSteps[sourceSteps.length - 1] === 'number') {
            errors.add(`${at}.source`, M.sourceEndsWithIndex);
            sourceSteps = null;
          }
        }
        let target: 'items' | 'inventory' | null = null;
        if (entry.target === undefined) errors.add(`${at}.target`, M.required);
        else if (typeof entry.target !== 'string') errors.add(`${at}.target`, M.notString);
        else if (entry.target !== 'items' && entry.target !== 'inventory') errors.add(`${at}.target`, M.invalidChoice(entry.target));
        else {
          target = entry.target;
          const expected = resource === null ? null : NESTED_TARGET[resource];
          if (resource !== null && expected !== null && expected !== target) {
            errors.add(`${at}.target`, M.wrongNestedTarget(resource, expected));
            target = null;
          }
        }
        let elementRules: Rule[] = [];
        if (entry.field_map === undefined) errors.add(`${at}.field_map`, M.required);
        else elementRules = checkFieldMap(entry.field_map, `${at}.field_map`, errors);
        if (target !== null) {
          const allowed = [...ELEMENT_REQUEST_FIELDS[target], ...ELEMENT_RESPONSE_ONLY_FIELDS[target]];
          const seen = new Set<string>();
          for (const rule of elementRules) {
            const first = rule.targetSteps[0] as string;
            if (!allowed.includes(first)) errors.add(rule.at, M.notAnElementField(first, target));
            const text = formatPath(rule.targetSteps);
            if (seen.has(text)) errors.add(rule.at, M.duplicateElementTarget(rule.target));
            seen.add(text);
          }
        }
        if (sourceSteps && target !== null) nested.push({ source: entry.source as string, sourceSteps, target, rules: elementRules, at });
      });
    }
  }

  // uniqueness (rule 5)
  const targetsSeen = new Set<string>(nested.map((n) => n.target));
  const nestedTargets = nested.map((n) => n.target as string);
  const nestedSources = new Set(nested.map((n) => formatPath(n.sourceSteps)));
  const checkTarget = (steps: Step[], text: string, at: string) => {
    const canonical = formatPath(steps);
    for (const t of nestedTargets) {
      if (steps[0] === t) {
        errors.add(at, M.insideNestedTarget(text, t));
        return;
      }
    }
    if (targetsSeen.has(canonical)) errors.add(at, M.duplicateTarget(text));
    targetsSeen.add(canonical);
  };
  for (const rule of rules) {
    checkTarget(rule.targetSteps, rule.target, rule.at);
    if (nestedSources.has(formatPath(rule.sourceSteps))) errors.add(rule.at, M.sourceTwice(rule.source));
  }
  for (const s of statics) checkTarget(s.steps, s.target, s.at);

  if (!errors.empty) return err(errors.errors);

  const definition: MappingDefinition = {
    resource: resource as MappingResource,
    identifier_field: identifier as string | null,
    field_map: deepCopy((input.field_map ?? {}) as FieldMap),
    nested_mappings: deepCopy((input.nested_mappings ?? []) as NestedMapping[]),
    static_values: deepCopy((input.static_values ?? {}) as Record<string, unknown>),
  };
  if (input.name !== undefined) definition.name = input.name as string;
  definition.is_active = input.is_active === undefined ? true : (input.is_active as boolean);

  // rule 7: the serialized mapping (as submitted, read-only fields included)
  let serialized: string;
  try {
    serialized = JSON.stringify(input);
  } catch {
    errors.add('non_field_errors', M.inexactNumber); // a JsonNumberLiteral in a read-only field
    return err(errors.errors);
  }
  if (utf8Length(serialized) > MAX_MAPPING_BYTES) {
    errors.add('non_field_errors', M.mappingTooLarge);
    return err(errors.errors);
  }
  return ok(definition);
}
