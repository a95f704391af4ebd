/**
 * A partner's **Field mapping** tab (admin.md §6, custom-integrations.md §2): per resource the
 * active mapping and the others (`GET partners/{id}/mappings/`, cursor-paged), an editor for
 * `name`, `field_map`, `nested_mappings`, `static_values` and `identifier_field` whose save-time
 * errors (§2.4) show next to the field or row they are about, Activate / Deactivate / Delete, and
 * a Preview panel: a payload in the partner's names beside the internal payload the editor's
 * current mapping makes of it (or the mapping errors); nothing is sent or stored. Viewers see the
 * mappings read-only, without write controls.
 */
import { useEffect, useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { Button, Cell, Column, FieldError, Form, Input, Label, Row, Table, TableBody, TableHeader, Text, TextArea, TextField } from 'react-aria-components';
import { ApiError, messageOf, send, type MappingPreview, type Partner } from '../api';
import {
  byResource,
  defaultMappingName,
  editorFromMapping,
  emptyEditor,
  emptyNested,
  errorLines,
  hasErrors,
  IDENTIFIER_FIELDS,
  MAPPING_RESOURCES,
  mappingFromEditor,
  NESTED_TARGETS,
  newRow,
  NO_IDENTIFIER,
  noErrors,
  parsePayload,
  placeErrors,
  RESOURCE_LABELS,
  type EditorRow,
  type EditorState,
  type Mapping,
  type MappingResource,
  type PlacedErrors,
} from '../mapping-editor';
import { usePages } from '../paging';
import { useCanWrite } from '../session';
import { ConfirmDialog, ErrorNote, formatDateTime, LoadMore, SelectField } from '../ui';
import { PARTNERS } from './api-keys';

/** The mappings of a partner: under the partners' key, so a partner change refreshes them too. */
const mappingsKey = (partnerId: string) => [...PARTNERS, 'mappings', partnerId] as const;

interface Editing {
  /** Remounts the editor when another mapping (or a new one) is opened. */
  session: number;
  resource: MappingResource;
  /** The stored mapping, or null for one not saved yet. */
  mapping: Mapping | null;
}

export function FieldMappingPanel({ partner }: { partner: Partner }) {
  const canWrite = useCanWrite();
  const queryClient = useQueryClient();
  const mappings = usePages<Mapping>(mappingsKey(partner.id), `partners/${encodeURIComponent(partner.id)}/mappings/`);
  const [editing, setEditing] = useState<Editing | null>(null);
  const [deleting, setDeleting] = useState<Mapping | null>(null);
  const sessions = useRef(0);
  const refresh = () => queryClient.invalidateQueries({ queryKey: mappingsKey(partner.id) });

  const open = (resource: MappingResource, mapping: Mapping | null) => setEditing({ session: ++sessions.current, resource, mapping });
  const toggle = useMutation({
    mutationFn: (m: Mapping) => send<Mapping>('POST', `mappings/${encodeURIComponent(m.id)}/${m.is_active ? 'deactivate' : 'activate'}/`),
    onSuccess: (saved, m) => {
      // The open editor keeps the mapping's state (a later Save sends it as it is now).
      setEditing((e) => (e?.mapping?.id === m.id ? { ...e, mapping: saved && typeof saved === 'object' ? { ...e.mapping, ...saved } : { ...e.mapping, is_active: !m.is_active } } : e));
    },
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (m: Mapping) => send<void>('DELETE', `mappings/${encodeURIComponent(m.id)}/`),
    onSuccess: (_, m) => {
      setDeleting(null);
      setEditing((e) => (e?.mapping?.id === m.id ? null : e));
    },
    onSettled: refresh,
  });

  const groups = byResource(mappings.rows);
  return (
    <div className="field-mapping">
      <p className="note">
        Requests made with {partner.name}'s keys are translated with the <strong>active</strong> mapping of their resource: partner field names in, the platform's names
        stored, and responses translated back. A resource without an active mapping uses the platform's field names. Changes apply from the next request.
      </p>
      <ErrorNote error={mappings.error ?? toggle.error} />
      {MAPPING_RESOURCES.map((resource) => (
        <ResourceMappings
          key={resource}
          resource={resource}
          active={groups[resource].active}
          others={groups[resource].others}
          isLoading={mappings.isPending}
          canWrite={canWrite}
          openId={editing?.mapping?.id ?? null}
          onOpen={(m) => open(resource, m)}
          onNew={() => open(resource, null)}
          onToggle={(m) => toggle.mutate(m)}
          togglingId={toggle.isPending ? (toggle.variables?.id ?? null) : null}
          onDelete={(m) => setDeleting(m)}
        />
      ))}
      <LoadMore what="mappings" hasMore={mappings.hasNextPage} isLoading={mappings.isFetchingNextPage} onLoad={() => void mappings.fetchNextPage()} />
      {editing ? (
        <MappingEditor
          key={editing.session}
          partner={partner}
          resource={editing.resource}
          mapping={editing.mapping}
          canWrite={canWrite}
          onSaved={(saved) => {
            setEditing((e) => (e ? { ...e, mapping: saved } : e));
            void refresh();
          }}
          onClose={() => setEditing(null)}
        />
      ) : null}
      {canWrite ? (
        <ConfirmDialog
          title="Delete mapping"
          isOpen={deleting !== null}
          message={
            <>
              Delete the mapping <strong>{deleting?.name}</strong> for good?
              {deleting?.is_active ? ` It is active: ${deleting.resource} requests of this partner's keys then use the platform's field names.` : ''} This cannot be undone.
            </>
          }
          confirmLabel="Delete"
          isPending={remove.isPending}
          error={remove.error}
          onCancel={() => {
            setDeleting(null);
            remove.reset();
          }}
          onConfirm={() => deleting && remove.mutate(deleting)}
        />
      ) : null}
    </div>
  );
}

/** Field map, element field map and static value entries: 0 is the identity mapping (internal names). */
const ruleCount = (m: Mapping) => Object.keys(m.field_map).length + m.nested_mappings.reduce((n, x) => n + Object.keys(x.field_map).length, 0) + Object.keys(m.static_values).length;

/** One resource: its active mapping first, then the others; Edit (View for viewers), Activate / Deactivate, Delete. */
function ResourceMappings({
  resource,
  active,
  others,
  isLoading,
  canWrite,
  openId,
  onOpen,
  onNew,
  onToggle,
  togglingId,
  onDelete,
}: {
  resource: MappingResource;
  active: Mapping | null;
  others: Mapping[];
  isLoading: boolean;
  canWrite: boolean;
  openId: string | null;
  onOpen: (m: Mapping) => void;
  onNew: () => void;
  onToggle: (m: Mapping) => void;
  togglingId: string | null;
  onDelete: (m: Mapping) => void;
}) {
  const headingId = useId();
  const label = RESOURCE_LABELS[resource];
  const rows = active ? [active, ...others] : others;
  return (
    <section className="resource-mappings" aria-labelledby={headingId}>
      <div className="tab-toolbar">
        <h2 id={headingId}>{label}</h2>
        {canWrite ? <Button onPress={onNew}>New {resource} mapping</Button> : null}
      </div>
      {!isLoading && !active ? <p className="note">No active {resource} mapping: {resource} payloads use the platform's field names.</p> : null}
      <div className="table-scroll">
        <Table aria-label={`${label} mappings`} className="table">
          <TableHeader>
            <Column isRowHeader>Name</Column>
            <Column>Status</Column>
            <Column>Identifier field</Column>
            <Column>Rules</Column>
            <Column>Updated</Column>
            <Column>Actions</Column>
          </TableHeader>
          <TableBody items={rows} renderEmptyState={() => (isLoading ? 'Loading…' : `No ${resource} mappings.`)}>
            {(m) => (
              <Row id={m.id}>
                <Cell data-label="Name">
                  {m.name}
                  {openId === m.id ? <span className="badge open-badge">open below</span> : null}
                </Cell>
                <Cell data-label="Status">{m.is_active ? <strong>Active</strong> : 'Inactive'}</Cell>
                <Cell data-label="Identifier field">{m.identifier_field ? <code>{m.identifier_field}</code> : 'Partner default'}</Cell>
                <Cell data-label="Rules">{ruleCount(m)}</Cell>
                <Cell data-label="Updated">{formatDateTime(m.updated_at)}</Cell>
                <Cell data-label="Actions">
                  <div className="row-actions">
                    <Button onPress={() => onOpen(m)}>{canWrite ? 'Edit' : 'View'}</Button>
                    {canWrite ? (
                      <>
                        <Button onPress={() => onToggle(m)} isPending={togglingId === m.id}>
                          {m.is_active ? 'Deactivate' : 'Activate'}
                        </Button>
                        <Button className="danger" onPress={() => onDelete(m)}>
                          Delete
                        </Button>
                      </>
                    ) : null}
                  </div>
                </Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      </div>
    </section>
  );
}

/** The editor of one mapping (or a new one) and its Preview panel. */
function MappingEditor({
  partner,
  resource,
  mapping,
  canWrite,
  onSaved,
  onClose,
}: {
  partner: Partner;
  resource: MappingResource;
  mapping: Mapping | null;
  canWrite: boolean;
  onSaved: (saved: Mapping) => void;
  onClose: () => void;
}) {
  const [state, setState] = useState<EditorState>(() => (mapping ? editorFromMapping(mapping) : emptyEditor(resource, defaultMappingName(partner.name, resource))));
  const [errors, setErrors] = useState<PlacedErrors>(noErrors);
  /** What found the errors shown: a Save (the mapping was not saved) or a Preview. */
  const [errorsFrom, setErrorsFrom] = useState<'save' | 'preview'>('save');
  /** Whether the editor holds changes not saved yet, or has just saved them. */
  const [status, setStatus] = useState<'clean' | 'changed' | 'saved'>('clean');
  const headingRef = useRef<HTMLHeadingElement>(null);
  const headingId = useId();
  const readOnly = !canWrite;

  // Opening a mapping brings the editor into view and moves the focus to its heading.
  useEffect(() => {
    headingRef.current?.scrollIntoView?.({ block: 'start' });
    headingRef.current?.focus();
  }, []);

  const update = (change: (s: EditorState) => EditorState) => {
    setStatus('changed');
    setState(change);
  };
  const showErrors = (placed: PlacedErrors, from: 'save' | 'preview') => {
    setErrors(placed);
    setErrorsFrom(from);
  };

  const save = useMutation({
    mutationFn: (body: Record<string, unknown>) =>
      mapping ? send<Mapping>('PUT', `mappings/${encodeURIComponent(mapping.id)}/`, body) : send<Mapping>('POST', `partners/${encodeURIComponent(partner.id)}/mappings/`, body),
    onSuccess: (stored) => {
      setErrors(noErrors());
      setStatus('saved');
      onSaved(stored);
    },
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'VALIDATION_ERROR' && Object.keys(error.details).length > 0) showErrors(placeErrors(error.details, state), 'save');
      else showErrors({ ...noErrors(), general: [messageOf(error)] }, 'save');
    },
  });

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    if (readOnly) return;
    const result = mappingFromEditor(state, resource);
    if (!result.ok) {
      showErrors(result.errors, 'save');
      return;
    }
    setErrors(noErrors());
    // A new mapping is saved inactive (Activate applies it); a replacement without `is_active`
    // keeps the mapping's state (activation has its own operations).
    save.mutate(mapping ? { ...result.body } : { ...result.body, is_active: false });
  };

  const nestedTarget = NESTED_TARGETS[resource];
  const identifierOptions = [{ id: NO_IDENTIFIER, label: 'None (the partner’s default)' }, ...IDENTIFIER_FIELDS[resource].map((f) => ({ id: f, label: f }))];
  const title = mapping ? `${readOnly ? 'Mapping' : 'Edit mapping'}: ${mapping.name}` : `New ${resource} mapping`;
  const problemCount = Object.keys(errors.rows).length + [errors.name, errors.identifierField, errors.fieldMap, errors.nested, errors.nestedSource, errors.nestedTarget, errors.staticValues].filter((l) => l.length > 0).length;

  return (
    <section className="card mapping-editor" aria-labelledby={headingId}>
      <div className="tab-toolbar">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          {title}
        </h2>
        <Button onPress={onClose}>Close editor</Button>
      </div>
      <p className="note">
        Resource: <strong>{RESOURCE_LABELS[resource]}</strong>
        {mapping ? <> · {mapping.is_active ? 'Active' : 'Inactive'}</> : ' · saved inactive: Activate applies it'}. Paths use dots for objects and [n] for array elements,
        e.g. <code>BillToContact.Email</code>, <code>lines[0].ref</code>.
      </p>
      {/* aria validation: the API's errors mark fields invalid without the browser blocking the next submit. */}
      <Form className="form" onSubmit={onSubmit} validationBehavior="aria">
        <TextField name="name" isRequired maxLength={255} value={state.name} onChange={(name) => update((s) => ({ ...s, name }))} isReadOnly={readOnly} isInvalid={errors.name.length > 0}>
          <Label>Name</Label>
          <Input />
          <FieldError>{errors.name.join(' ')}</FieldError>
        </TextField>

        {IDENTIFIER_FIELDS[resource].length > 0 ? (
          <SelectField
            label="Identifier field"
            name="identifier_field"
            selectedKey={state.identifierField}
            onChange={(identifierField) => update((s) => ({ ...s, identifierField }))}
            options={identifierOptions}
            description={`Which field the URL's {identifier} of ${resource} is matched against for this partner's keys.`}
            errors={errors.identifierField}
            isDisabled={readOnly}
          />
        ) : (
          <>
            <p className="note">Inventory has no identifier field.</p>
            <FieldErrors messages={errors.identifierField} />
          </>
        )}

        <RuleRows
          legend="Field map"
          description="Partner path → internal path. Keys no rule mentions pass through unchanged."
          rows={state.fieldMap}
          onChange={(fieldMap) => update((s) => ({ ...s, fieldMap }))}
          errors={errors}
          sectionErrors={errors.fieldMap}
          rowName="Field map row"
          fromLabel="Partner path"
          toLabel="Internal path"
          addLabel="Add field"
          readOnly={readOnly}
        />

        {nestedTarget || state.nested ? (
          <fieldset className="rules">
            <legend>Nested mapping</legend>
            <p className="note">
              An array of the partner's payload mapped element by element to <code>{nestedTarget ?? 'nothing'}</code> (at most one).
            </p>
            <FieldErrors messages={errors.nested} />
            {state.nested ? (
              <>
                <div className="nested-paths">
                  <TextField
                    value={state.nested.source}
                    onChange={(source) => update((s) => ({ ...s, nested: s.nested && { ...s.nested, source } }))}
                    isReadOnly={readOnly}
                    isInvalid={errors.nestedSource.length > 0}
                  >
                    <Label>Nested source</Label>
                    <Input className="react-aria-Input mono" />
                    <Text slot="description">The partner's array, e.g. Details.</Text>
                    <FieldError>{errors.nestedSource.join(' ')}</FieldError>
                  </TextField>
                  <TextField
                    value={state.nested.target}
                    onChange={(target) => update((s) => ({ ...s, nested: s.nested && { ...s.nested, target } }))}
                    isReadOnly={readOnly}
                    isInvalid={errors.nestedTarget.length > 0}
                  >
                    <Label>Nested target</Label>
                    <Input className="react-aria-Input mono" />
                    <Text slot="description">{nestedTarget ? `${nestedTarget} for ${resource}.` : `${resource} mappings have no nested mapping.`}</Text>
                    <FieldError>{errors.nestedTarget.join(' ')}</FieldError>
                  </TextField>
                </div>
                <RuleRows
                  legend="Element field map"
                  description="Within each element: partner path → internal path."
                  rows={state.nested.rows}
                  onChange={(rows) => update((s) => ({ ...s, nested: s.nested && { ...s.nested, rows } }))}
                  errors={errors}
                  sectionErrors={[]}
                  rowName="Element row"
                  fromLabel="Element partner path"
                  toLabel="Element internal path"
                  addLabel="Add element field"
                  readOnly={readOnly}
                />
                {!readOnly ? (
                  <div className="row-actions">
                    <Button className="danger" onPress={() => update((s) => ({ ...s, nested: null }))}>
                      Remove nested mapping
                    </Button>
                  </div>
                ) : null}
              </>
            ) : readOnly ? (
              <p className="note">None.</p>
            ) : (
              <div className="row-actions">
                <Button onPress={() => update((s) => ({ ...s, nested: emptyNested(resource) }))}>Add nested mapping</Button>
              </div>
            )}
          </fieldset>
        ) : null}

        <RuleRows
          legend="Static values"
          description={`Internal path → a constant JSON value written into ${resource} create (POST) bodies, e.g. metadata.source → "acumatica" (text in quotes).`}
          rows={state.staticValues}
          onChange={(staticValues) => update((s) => ({ ...s, staticValues }))}
          errors={errors}
          sectionErrors={errors.staticValues}
          rowName="Static value"
          fromLabel="Static value path"
          toLabel="Value (JSON)"
          addLabel="Add static value"
          readOnly={readOnly}
        />

        {errors.general.length > 0 || problemCount > 0 ? (
          <div className="error" role="alert">
            {problemCount > 0 ? (
              <p>
                {errorsFrom === 'save' ? 'The mapping was not saved: ' : 'The mapping cannot be previewed: '}
                {problemCount === 1 ? 'a problem is' : `${problemCount} problems are`} shown next to the fields.
              </p>
            ) : null}
            {errors.general.length > 0 ? (
              <ul>
                {errors.general.map((m) => (
                  <li key={m}>{m}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <p role="status" className="note">
          {status === 'saved' ? 'Saved. Changes apply from the next request.' : status === 'changed' && canWrite ? 'Unsaved changes.' : ''}
        </p>
        {canWrite ? (
          <div className="dialog-buttons">
            <Button type="submit" className="primary" isPending={save.isPending}>
              Save
            </Button>
          </div>
        ) : null}
      </Form>

      <PreviewPanel
        resource={resource}
        mapping={mapping}
        state={state}
        onMappingErrors={(e) => showErrors(e, 'preview')}
      />
    </section>
  );
}

/** The API's messages under a section or field (not a React Aria field). */
function FieldErrors({ messages, id }: { messages: readonly string[]; id?: string }) {
  if (messages.length === 0) return null;
  return (
    <ul className="field-errors" id={id}>
      {messages.map((m) => (
        <li key={m}>{m}</li>
      ))}
    </ul>
  );
}

/** Editable rules (`from` → `to`), each row a labelled group with its own errors under it. */
function RuleRows({
  legend,
  description,
  rows,
  onChange,
  errors,
  sectionErrors,
  rowName,
  fromLabel,
  toLabel,
  addLabel,
  readOnly,
}: {
  legend: string;
  description: ReactNode;
  rows: EditorRow[];
  onChange: (rows: EditorRow[]) => void;
  errors: PlacedErrors;
  sectionErrors: readonly string[];
  rowName: string;
  fromLabel: string;
  toLabel: string;
  addLabel: string;
  readOnly: boolean;
}) {
  const baseId = useId();
  const set = (key: number, change: Partial<EditorRow>) => onChange(rows.map((r) => (r.key === key ? { ...r, ...change } : r)));
  return (
    <fieldset className="rules">
      <legend>{legend}</legend>
      <p className="note">{description}</p>
      <FieldErrors messages={sectionErrors} />
      {rows.length === 0 ? <p className="note">None.</p> : null}
      {rows.map((row, i) => {
        const n = i + 1;
        const rowErrors = errors.rows[row.key] ?? [];
        const errorId = `${baseId}-${row.key}-errors`;
        const describedBy = rowErrors.length > 0 ? errorId : undefined;
        return (
          <div key={row.key} role="group" aria-label={`${rowName} ${n}`} className={rowErrors.length > 0 ? 'rule-row invalid' : 'rule-row'}>
            <TextField value={row.from} onChange={(from) => set(row.key, { from })} isReadOnly={readOnly} isInvalid={rowErrors.length > 0} aria-describedby={describedBy} aria-label={`${fromLabel} ${n}`}>
              <Input className="react-aria-Input mono" placeholder={fromLabel} />
            </TextField>
            <span className="arrow" aria-hidden="true">
              →
            </span>
            <TextField value={row.to} onChange={(to) => set(row.key, { to })} isReadOnly={readOnly} isInvalid={rowErrors.length > 0} aria-describedby={describedBy} aria-label={`${toLabel} ${n}`}>
              <Input className="react-aria-Input mono" placeholder={toLabel} />
            </TextField>
            {!readOnly ? (
              <Button className="remove" aria-label={`Remove ${rowName.toLowerCase()} ${n}`} onPress={() => onChange(rows.filter((r) => r.key !== row.key))}>
                Remove
              </Button>
            ) : null}
            <FieldErrors messages={rowErrors} id={errorId} />
          </div>
        );
      })}
      {!readOnly ? (
        <div className="row-actions">
          <Button onPress={() => onChange([...rows, newRow()])}>{addLabel}</Button>
        </div>
      ) : null}
    </fieldset>
  );
}

const METHODS = [
  { id: 'POST', label: 'POST (create: static values are written)' },
  { id: 'PUT', label: 'PUT (replace)' },
  { id: 'DELETE', label: 'DELETE (cancel an order)' },
];

/**
 * Preview: the editor's current mapping (saved or not) applied to a pasted payload by
 * `POST mappings/preview/`; the internal payload or the mapping errors beside it. Invalid JSON is
 * reported here and nothing is sent; the API stores nothing.
 */
function PreviewPanel({
  resource,
  mapping,
  state,
  onMappingErrors,
}: {
  resource: MappingResource;
  mapping: Mapping | null;
  state: EditorState;
  onMappingErrors: (errors: PlacedErrors) => void;
}) {
  const headingId = useId();
  const [method, setMethod] = useState('POST');
  const [payload, setPayload] = useState('');
  /** The payload is not a JSON object: reported here, nothing sent. */
  const [payloadError, setPayloadError] = useState<string | null>(null);
  /** The mapping has problems (found here or by the API), shown next to its fields. */
  const [mappingProblem, setMappingProblem] = useState(false);
  const preview = useMutation({
    mutationFn: (body: Record<string, unknown>) => send<MappingPreview>('POST', 'mappings/preview/', body),
    onError: (error) => {
      if (error instanceof ApiError && error.code === 'VALIDATION_ERROR') {
        const mappingErrors = Object.fromEntries(Object.entries(error.details).filter(([k]) => k === 'mapping' || k.startsWith('mapping.')));
        if (Object.keys(mappingErrors).length > 0) {
          onMappingErrors(placeErrors(mappingErrors, state));
          setMappingProblem(Object.keys(mappingErrors).length === Object.keys(error.details).length);
        }
      }
    },
  });
  const run = () => {
    preview.reset();
    setMappingProblem(false);
    const parsed = parsePayload(payload);
    setPayloadError(parsed.ok ? null : parsed.message);
    if (!parsed.ok) return;
    const built = mappingFromEditor(state, resource);
    if (!built.ok) {
      onMappingErrors(built.errors);
      setMappingProblem(true);
      return;
    }
    const { name, ...rest } = built.body;
    // The editor's current content, saved or not; a blank name is irrelevant to a preview.
    preview.mutate({ mapping: name ? { ...rest, name } : rest, method, payload: parsed.value });
  };
  const result = preview.data;
  const lines = errorLines(result?.errors);
  return (
    <section className="preview" aria-labelledby={headingId}>
      <h3 id={headingId}>Preview</h3>
      <p className="note">
        Paste a payload of {resource} in the partner's field names and see the internal payload this editor's mapping{mapping ? ' (as edited, saved or not)' : ''} makes
        of it. Nothing is sent or stored.
      </p>
      <div className="preview-grid">
        <div className="preview-input">
          <SelectField label="Method" name="method" selectedKey={method} onChange={setMethod} options={METHODS} />
          <TextField value={payload} onChange={setPayload} isInvalid={payloadError !== null}>
            <Label>Partner payload (JSON)</Label>
            <TextArea className="react-aria-TextArea mono" rows={16} spellCheck={false} />
          </TextField>
          {payloadError ? (
            <p className="error" role="alert">
              {payloadError}
            </p>
          ) : mappingProblem ? (
            <p className="error" role="alert">
              The mapping has problems, shown next to its fields: fix them to preview it.
            </p>
          ) : preview.error ? (
            <p className="error" role="alert">
              {messageOf(preview.error)}
            </p>
          ) : null}
          <div className="row-actions">
            <Button className="primary" onPress={run} isPending={preview.isPending}>
              Preview
            </Button>
          </div>
        </div>
        <div className="preview-output" aria-live="polite">
          {result ? (
            lines.length > 0 ? (
              <>
                <h4>Mapping errors</h4>
                <ul className="mapping-errors" aria-label="Mapping errors">
                  {lines.map((l) => (
                    <li key={l}>{l}</li>
                  ))}
                </ul>
                <p className="note">The platform would answer 422 MAPPING_ERROR with these; nothing would be stored.</p>
              </>
            ) : (
              <>
                <h4>Internal payload</h4>
                <pre className="json" tabIndex={0} role="region" aria-label="Internal payload">
                  {JSON.stringify(result.mapped_payload, null, 2)}
                </pre>
              </>
            )
          ) : (
            <p className="note">The internal payload shows here.</p>
          )}
        </div>
      </div>
    </section>
  );
}
