/**
 * Integration logs (admin.md §6, integration-logs.md §5): a tenant's logged integration requests,
 * newest first and cursor-paged ("Load more"), with the filters of §5. An entry opens in a dialog
 * that shows its raw payload and mapped payload side by side, then the response, the status, the
 * duration and the key's name. The same list is the partner page's **Logs** tab (that partner's
 * entries: `LogsPanel` with a partner). A read: admins and viewers alike.
 */
import { useId, useState, type FormEvent } from 'react';
import { useQuery } from '@tanstack/react-query';
import { Button, Cell, Column, Dialog, FieldError, Form, Heading, Input, Label, Modal, ModalOverlay, Row, Table, TableBody, TableHeader, Text, TextField } from 'react-aria-components';
import { ApiError, getData, getPage, type ApiKey, type IntegrationLogEntry, type IntegrationLogSummary, type Partner } from '../api';
import { usePages } from '../paging';
import { ErrorNote, formatDateTime, LoadMore, ScreenHeader, SelectField } from '../ui';

export const LOG_STATUSES: Record<string, string> = {
  success: 'Success',
  validation_error: 'Validation error',
  service_error: 'Service error',
  not_found: 'Not found',
  mapping_error: 'Mapping error',
  error: 'Error',
};
const RESOURCES = ['order', 'product', 'location', 'inventory'];
const ACTIONS = ['create', 'list', 'read', 'update', 'delete', 'options'];

/** The form's fields (strings as typed); `all` is "no filter" for the choices. */
interface Draft {
  partner: string;
  api_key: string;
  resource: string;
  action: string;
  status: string;
  http_status: string;
  request_id: string;
  identifier: string;
  internal_id: string;
  created_after: string;
  created_before: string;
}

const EMPTY: Draft = {
  partner: 'all',
  api_key: 'all',
  resource: 'all',
  action: 'all',
  status: 'all',
  http_status: '',
  request_id: '',
  identifier: '',
  internal_id: '',
  created_after: '',
  created_before: '',
};

/** A datetime-local value (the browser's time zone) as ISO 8601 UTC; unparsable text is sent as typed (the API says what is wrong). */
function isoOf(local: string): string {
  const d = new Date(local);
  return Number.isNaN(d.getTime()) ? local : d.toISOString();
}

/** The query parameters of a draft: only the filters that are set. */
export function filtersOf(draft: Draft, fixedPartner: string | null): Record<string, string> {
  const out: Record<string, string> = {};
  if (fixedPartner) out['partner'] = fixedPartner;
  else if (draft.partner !== 'all') out['partner'] = draft.partner;
  for (const name of ['api_key', 'resource', 'action', 'status'] as const) if (draft[name] !== 'all') out[name] = draft[name];
  for (const name of ['http_status', 'request_id', 'identifier', 'internal_id'] as const) {
    const v = draft[name].trim();
    if (v !== '') out[name] = v;
  }
  if (draft.created_after.trim() !== '') out['created_after'] = isoOf(draft.created_after.trim());
  if (draft.created_before.trim() !== '') out['created_before'] = isoOf(draft.created_before.trim());
  return out;
}

export function IntegrationLogsScreen() {
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title="Integration logs" />
      <p className="note">
        Every integration API request that passed authentication: what the caller sent, what the mapping made of it and what the platform answered. Newest first; entries are
        kept 90 days (or longer, as the operator set it). Refused keys are listed under Security.
      </p>
      <LogsPanel partner={null} />
    </section>
  );
}

/** The list with its filters; with a partner, only the entries of that partner's keys. */
export function LogsPanel({ partner }: { partner: Partner | null }) {
  const [draft, setDraft] = useState<Draft>(EMPTY);
  const [applied, setApplied] = useState<Record<string, string>>(() => filtersOf(EMPTY, partner?.id ?? null));
  const [openId, setOpenId] = useState<string | null>(null);
  const entries = usePages<IntegrationLogSummary>(['integration-logs', applied], 'integration-logs/', applied);
  const partners = useQuery({ queryKey: ['partners', 'log-filter'], queryFn: () => getPage<Partner>('partners/', null, 200), enabled: partner === null });
  const keys = useQuery({
    queryKey: ['api-keys', 'log-filter', partner?.id ?? null],
    queryFn: () => getPage<ApiKey>('api-keys/', null, 200, partner ? { partner: partner.id } : {}),
  });
  const fieldErrors: Record<string, string[]> = entries.error instanceof ApiError && entries.error.code === 'VALIDATION_ERROR' ? (entries.error.details as Record<string, string[]>) : {};
  const errorsOf = (name: string) => fieldErrors[name] ?? [];
  const set = (name: keyof Draft) => (value: string) => setDraft((d) => ({ ...d, [name]: value }));
  const apply = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setApplied(filtersOf(draft, partner?.id ?? null));
  };
  const clear = () => {
    setDraft(EMPTY);
    setApplied(filtersOf(EMPTY, partner?.id ?? null));
  };
  const textField = (name: keyof Draft, label: string, props: { type?: string; description?: string; placeholder?: string } = {}) => (
    <TextField name={name} value={draft[name]} onChange={set(name)} type={props.type ?? 'text'} isInvalid={errorsOf(name).length > 0}>
      <Label>{label}</Label>
      <Input className="react-aria-Input" placeholder={props.placeholder} />
      {props.description ? <Text slot="description">{props.description}</Text> : null}
      <FieldError>{errorsOf(name).join(' ')}</FieldError>
    </TextField>
  );
  const listHasFieldErrors = Object.keys(fieldErrors).length > 0;
  return (
    <div className="integration-logs">
      <Form className="log-filters" onSubmit={apply} validationBehavior="aria" aria-label="Log filters">
        <div className="filters">
          {partner === null ? (
            <SelectField
              label="Partner"
              selectedKey={draft.partner}
              onChange={set('partner')}
              errors={errorsOf('partner')}
              options={[
                { id: 'all', label: 'All partners and keys' },
                { id: 'null', label: 'Pass-through keys (no partner)' },
                ...(partners.data?.data ?? []).map((p) => ({ id: p.id, label: p.name })),
              ]}
            />
          ) : null}
          <SelectField
            label="API key"
            selectedKey={draft.api_key}
            onChange={set('api_key')}
            errors={errorsOf('api_key')}
            options={[{ id: 'all', label: 'All keys' }, ...(keys.data?.data ?? []).map((k) => ({ id: k.id, label: k.name }))]}
          />
          <SelectField
            label="Resource"
            selectedKey={draft.resource}
            onChange={set('resource')}
            errors={errorsOf('resource')}
            options={[{ id: 'all', label: 'All resources' }, ...RESOURCES.map((r) => ({ id: r, label: r }))]}
          />
          <SelectField
            label="Action"
            selectedKey={draft.action}
            onChange={set('action')}
            errors={errorsOf('action')}
            options={[{ id: 'all', label: 'All actions' }, ...ACTIONS.map((a) => ({ id: a, label: a }))]}
          />
          <SelectField
            label="Status"
            selectedKey={draft.status}
            onChange={set('status')}
            errors={errorsOf('status')}
            options={[{ id: 'all', label: 'All statuses' }, ...Object.entries(LOG_STATUSES).map(([id, label]) => ({ id, label }))]}
          />
          {textField('http_status', 'HTTP status', { placeholder: 'e.g. 422' })}
          {textField('request_id', 'Request ID')}
          {textField('identifier', 'Identifier', { placeholder: 'e.g. SO004512' })}
          {textField('internal_id', 'Internal ID')}
          {textField('created_after', 'Created after', { type: 'datetime-local' })}
          {textField('created_before', 'Created before', { type: 'datetime-local' })}
        </div>
        <div className="row-actions">
          <Button type="submit" className="primary">
            Apply filters
          </Button>
          <Button onPress={clear}>Clear filters</Button>
        </div>
      </Form>
      {listHasFieldErrors ? null : <ErrorNote error={entries.error} />}
      <div className="table-scroll">
        <Table aria-label={partner ? `Logs of ${partner.name}` : 'Integration log entries'} className="table">
          <TableHeader>
            <Column isRowHeader>Time</Column>
            <Column>Status</Column>
            <Column>Request</Column>
            <Column>API key</Column>
            {partner === null ? <Column>Partner</Column> : <Column>Identifier</Column>}
            <Column>Duration</Column>
            <Column>Entry</Column>
          </TableHeader>
          <TableBody items={entries.rows} renderEmptyState={() => (entries.isPending ? 'Loading…' : 'No log entries.')}>
            {(e) => (
              <Row id={e.id}>
                <Cell data-label="Time">{formatDateTime(e.created_at)}</Cell>
                <Cell data-label="Status">
                  <StatusBadge status={e.status} httpStatus={e.http_status} />
                </Cell>
                <Cell data-label="Request">
                  <code>
                    {e.method} {e.path}
                    {e.query_string ? `?${e.query_string}` : ''}
                  </code>
                </Cell>
                <Cell data-label="API key">{e.api_key.name}</Cell>
                {partner === null ? <Cell data-label="Partner">{e.partner ? e.partner.name : <span className="muted">pass-through</span>}</Cell> : <Cell data-label="Identifier">{e.identifier ?? '—'}</Cell>}
                <Cell data-label="Duration">{e.duration_ms} ms</Cell>
                <Cell data-label="Entry">
                  <Button aria-label={`View entry ${e.request_id}`} onPress={() => setOpenId(e.id)}>
                    View
                  </Button>
                </Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      </div>
      <LoadMore what="entries" hasMore={entries.hasNextPage} isLoading={entries.isFetchingNextPage} onLoad={() => void entries.fetchNextPage()} />
      <EntryDialog id={openId} onClose={() => setOpenId(null)} />
    </div>
  );
}

function StatusBadge({ status, httpStatus }: { status: string; httpStatus: number }) {
  return (
    <span className={`badge status-${status === 'success' ? 'ok' : 'problem'}`}>
      {httpStatus} {LOG_STATUSES[status] ?? status}
    </span>
  );
}

/** A payload as it was stored: JSON pretty-printed; a string (a body that was not JSON, or a shortened value) as its text. */
function Payload({ label, value, shortened, absent }: { label: string; value: unknown; shortened: boolean; absent: string }) {
  const id = useId();
  return (
    <div className="payload">
      <h4 id={id}>{label}</h4>
      {shortened ? <p className="note">Stored shortened: the first 1 MiB of its text.</p> : null}
      {value === null || value === undefined ? (
        <p className="note">{absent}</p>
      ) : (
        <pre className="json" aria-labelledby={id} tabIndex={0}>
          {typeof value === 'string' ? value : JSON.stringify(value, null, 2)}
        </pre>
      )}
    </div>
  );
}

/** One whole entry (GET integration-logs/{id}/): the payloads side by side, the response, status, duration and key. */
function EntryDialog({ id, onClose }: { id: string | null; onClose: () => void }) {
  const entry = useQuery({ queryKey: ['integration-log', id], queryFn: () => getData<IntegrationLogEntry>(`integration-logs/${id}/`), enabled: id !== null, staleTime: Infinity });
  const e = entry.data;
  return (
    <ModalOverlay className="modal-overlay" isOpen={id !== null} onOpenChange={(open) => !open && onClose()} isDismissable>
      <Modal className="modal modal-wide">
        <Dialog className="dialog" aria-label="Log entry">
          <Heading slot="title">Log entry</Heading>
          <ErrorNote error={entry.error} />
          {entry.isPending ? <p className="note">Loading…</p> : null}
          {e ? (
            <>
              <dl className="entry-facts">
                <dt>Time</dt>
                <dd>{formatDateTime(e.created_at)} <code className="muted">{e.created_at}</code></dd>
                <dt>Status</dt>
                <dd>
                  <StatusBadge status={e.status} httpStatus={e.http_status} /> <code className="muted">{e.status}</code>
                </dd>
                {e.error_code ? (
                  <>
                    <dt>Error</dt>
                    <dd>
                      <code>{e.error_code}</code> {e.error_message}
                    </dd>
                  </>
                ) : null}
                <dt>Duration</dt>
                <dd>{e.duration_ms} ms</dd>
                <dt>API key</dt>
                <dd>{e.api_key.name}</dd>
                <dt>Partner</dt>
                <dd>{e.partner ? e.partner.name : 'None (pass-through key)'}</dd>
                <dt>Request</dt>
                <dd>
                  <code>
                    {e.method} {e.path}
                    {e.query_string ? `?${e.query_string}` : ''}
                  </code>
                </dd>
                <dt>Resource</dt>
                <dd>
                  {e.resource ?? '—'} / {e.action ?? '—'}
                  {e.identifier !== null ? (
                    <>
                      {' '}
                      (identifier <code>{e.identifier}</code>)
                    </>
                  ) : null}
                </dd>
                <dt>Internal ID</dt>
                <dd>{e.internal_id ? <code>{e.internal_id}</code> : '—'}</dd>
                <dt>Request ID</dt>
                <dd>
                  <code>{e.request_id}</code>
                </dd>
              </dl>
              <div className="preview-grid">
                <Payload label="Raw payload" value={e.raw_payload} shortened={e.shortened_fields.includes('raw_payload')} absent="No body." />
                <Payload
                  label="Mapped payload"
                  value={e.mapped_payload}
                  shortened={e.shortened_fields.includes('mapped_payload')}
                  absent="None: no body, a body that was not a JSON object, or the mapping failed."
                />
              </div>
              <Payload label="Response" value={e.response_body} shortened={e.shortened_fields.includes('response_body')} absent="No body (HEAD or OPTIONS)." />
            </>
          ) : null}
          <div className="dialog-buttons">
            <Button onPress={onClose} autoFocus>
              Close
            </Button>
          </div>
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}
