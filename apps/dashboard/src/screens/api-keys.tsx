/**
 * API Keys (admin.md §6): the tenant's keys (cursor-paged), Create key → the key shown once with
 * Copy, and per key Set rate limit, Revoke / Activate, Rotate and Delete (with confirmation). The
 * rate limit (limits-and-versioning.md §4) is optional at creation and changes with the next
 * request of the key. Viewers see the
 * table only. A partner's page shows the same list for that partner's keys (`KeysPanel`), where
 * Create key makes a key of that partner.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Cell,
  Checkbox,
  CheckboxGroup,
  Column,
  FieldError,
  Form,
  Input,
  Label,
  ListBox,
  ListBoxItem,
  Popover,
  Row,
  Select,
  SelectValue,
  Table,
  TableBody,
  TableHeader,
  Text,
  TextField,
} from 'react-aria-components';
import { getPage, messageOf, send, type ApiKey, type CreatedApiKey, type Partner } from '../api';
import { ALL_INTEGRATIONS, describeScopes, RESOURCES, scopesOf, type ResourceName } from '../scopes';
import { describeRateLimit, MAX_RATE_LIMIT, MIN_RATE_LIMIT, rateLimitValue } from '../rate-limit';
import { useCanWrite } from '../session';
import { usePages } from '../paging';
import { ConfirmDialog, ErrorNote, FormActions, formatDateTime, LoadMore, ModalDialog, ScreenHeader, SelectField } from '../ui';

const KEYS = ['api-keys'] as const;
/** Every query of partners starts with this key: a partner change refreshes them all. */
export const PARTNERS = ['partners'] as const;

export function ApiKeysScreen() {
  return <KeysPanel />;
}

/** The keys of the tenant, or of one partner (its page's API keys tab). */
export function KeysPanel({ partner }: { partner?: Partner }) {
  const canWrite = useCanWrite();
  const queryClient = useQueryClient();
  const keys = usePages<ApiKey>(partner ? [...KEYS, { partner: partner.id }] : KEYS, 'api-keys/', partner ? { partner: partner.id } : {});
  const partners = usePartnerNames();
  const [creating, setCreating] = useState(false);
  const [shown, setShown] = useState<CreatedApiKey | null>(null);
  const [deleting, setDeleting] = useState<ApiKey | null>(null);
  const [limiting, setLimiting] = useState<ApiKey | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: KEYS });

  const toggle = useMutation({
    mutationFn: (key: ApiKey) => send<ApiKey>('PATCH', `api-keys/${key.id}/`, { is_active: !key.is_active }),
    onSettled: refresh,
  });
  const rotate = useMutation({
    mutationFn: (key: ApiKey) => send<CreatedApiKey>('POST', `api-keys/${key.id}/rotate/`),
    onSuccess: (created) => setShown(created),
    onSettled: refresh,
  });
  const remove = useMutation({
    mutationFn: (key: ApiKey) => send<void>('DELETE', `api-keys/${key.id}/`),
    onSuccess: () => setDeleting(null),
    onSettled: refresh,
  });

  const rows = keys.rows;
  const createButton = canWrite ? (
    <Button className="primary" onPress={() => setCreating(true)}>
      Create key
    </Button>
  ) : null;
  const Wrapper = partner ? 'div' : 'section';
  return (
    <Wrapper {...(partner ? {} : { 'aria-labelledby': 'screen-title' })}>
      {partner ? (
        <div className="tab-toolbar">
          <p className="note">Keys of {partner.name}: requests with them use this partner's field mapping. A key is shown once, when it is created.</p>
          {createButton}
        </div>
      ) : (
        <>
          <ScreenHeader title="API Keys">{createButton}</ScreenHeader>
          <p className="note">Keys authenticate ERP systems on the integration API (header <code>X-API-Key</code>). A key is shown once, when it is created.</p>
        </>
      )}
      <ErrorNote error={keys.error ?? toggle.error ?? rotate.error} />
      <div className="table-scroll">
        <Table aria-label={partner ? `API keys of ${partner.name}` : 'API keys'} className="table">
          <TableHeader>
            <Column isRowHeader>Name</Column>
            <Column>Prefix</Column>
            <Column>Scopes</Column>
            <Column>Partner</Column>
            <Column>Expires</Column>
            <Column>Rate limit</Column>
            <Column>Status</Column>
            <Column>Last used</Column>
            {canWrite ? <Column>Actions</Column> : null}
          </TableHeader>
          <TableBody items={rows} renderEmptyState={() => (keys.isPending ? 'Loading…' : 'No keys yet.')}>
            {(key) => (
              <Row id={key.id}>
                <Cell data-label="Name">{key.name}</Cell>
                <Cell data-label="Prefix">
                  <code>{key.prefix}…</code>
                </Cell>
                <Cell data-label="Scopes">{describeScopes(key.scopes)}</Cell>
                <Cell data-label="Partner">{key.partner ? (partners.get(key.partner) ?? key.partner) : 'None'}</Cell>
                <Cell data-label="Expires">{formatDateTime(key.expires_at, 'Never')}</Cell>
                <Cell data-label="Rate limit">{describeRateLimit(key.rate_limit_per_second)}</Cell>
                <Cell data-label="Status">{statusOf(key)}</Cell>
                <Cell data-label="Last used">{formatDateTime(key.last_used_at, 'Never')}</Cell>
                {canWrite ? (
                  <Cell data-label="Actions">
                    <div className="row-actions">
                      <Button onPress={() => setLimiting(key)}>Set rate limit</Button>
                      <Button onPress={() => toggle.mutate(key)} isPending={toggle.isPending && toggle.variables?.id === key.id}>
                        {key.is_active ? 'Revoke' : 'Activate'}
                      </Button>
                      <Button onPress={() => rotate.mutate(key)} isPending={rotate.isPending && rotate.variables?.id === key.id}>
                        Rotate
                      </Button>
                      <Button className="danger" onPress={() => setDeleting(key)}>
                        Delete
                      </Button>
                    </div>
                  </Cell>
                ) : null}
              </Row>
            )}
          </TableBody>
        </Table>
      </div>
      <LoadMore what="keys" hasMore={keys.hasNextPage} isLoading={keys.isFetchingNextPage} onLoad={() => void keys.fetchNextPage()} />

      {canWrite ? (
        <>
          <CreateKeyDialog
            partner={partner}
            isOpen={creating}
            onClose={() => setCreating(false)}
            onCreated={(created) => {
              setCreating(false);
              setShown(created);
              void refresh();
            }}
          />
          <KeyShownOnce created={shown} onClose={() => setShown(null)} />
          <RateLimitDialog
            apiKey={limiting}
            onClose={() => setLimiting(null)}
            onSaved={() => {
              setLimiting(null);
              void refresh();
            }}
          />
          <ConfirmDialog
            title="Delete key"
            isOpen={deleting !== null}
            message={
              <>
                Delete <strong>{deleting?.name}</strong> ({deleting?.prefix}…) for good? Requests with it fail from the next one on. This cannot be undone; to stop it
                reversibly, revoke it instead.
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
        </>
      ) : null}
    </Wrapper>
  );
}

function statusOf(key: ApiKey): string {
  if (!key.is_active) return 'Revoked';
  if (key.expires_at && new Date(key.expires_at).getTime() <= Date.now()) return 'Expired';
  return 'Active';
}

/** Partner names by id, for the table and the create form (the first 200 partners, newest first). */
function usePartners() {
  return useQuery({
    queryKey: [...PARTNERS, 'first-page'],
    queryFn: () => getPage<Partner>('partners/', null, 200),
    retry: false,
  });
}

function usePartnerNames(): Map<string, string> {
  const partners = usePartners();
  return new Map((partners.data?.data ?? []).map((p) => [p.id, p.name]));
}

/** Create key; with `partner` (a partner's page) the key is that partner's and no other can be chosen. */
function CreateKeyDialog({ partner: fixedPartner, isOpen, onClose, onCreated }: { partner?: Partner; isOpen: boolean; onClose: () => void; onCreated: (key: CreatedApiKey) => void }) {
  const partners = usePartners();
  const [name, setName] = useState('');
  const [all, setAll] = useState(true);
  const [perResource, setPerResource] = useState<Partial<Record<ResourceName, string[]>>>({});
  const [expiresOn, setExpiresOn] = useState('');
  const [partner, setPartner] = useState<string>('none');
  const [rateLimit, setRateLimit] = useState('');
  const [scopeError, setScopeError] = useState<string | null>(null);
  const create = useMutation({
    mutationFn: (body: Record<string, unknown>) => send<CreatedApiKey>('POST', 'api-keys/', body),
    onSuccess: (created) => {
      reset();
      onCreated(created);
    },
  });
  const reset = () => {
    setName('');
    setAll(true);
    setPerResource({});
    setExpiresOn('');
    setPartner('none');
    setRateLimit('');
    setScopeError(null);
    create.reset();
  };

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const scopes = scopesOf(all ? { all: true } : { all: false, perResource });
    if (scopes.length === 0) {
      setScopeError('Choose at least one scope.');
      return;
    }
    setScopeError(null);
    const body: Record<string, unknown> = { name: name.trim(), scopes };
    // The end of the chosen day (UTC): a key "expiring on 2027-04-16" works through that day.
    if (expiresOn) body['expires_at'] = `${expiresOn}T23:59:59Z`;
    const limit = rateLimitValue(rateLimit);
    if (limit !== null) body['rate_limit_per_second'] = limit;
    if (fixedPartner) body['partner'] = fixedPartner.id;
    else if (partner !== 'none') body['partner'] = partner;
    create.mutate(body);
  };

  const partnerList = partners.data?.data ?? [];
  return (
    <ModalDialog
      title="Create key"
      isOpen={isOpen}
      onOpenChange={(open) => {
        if (!open) {
          reset();
          onClose();
        }
      }}
    >
      <Form className="form" onSubmit={onSubmit} validationErrors={fieldErrors(create.error)}>
        <TextField name="name" isRequired maxLength={255} value={name} onChange={setName} autoFocus>
          <Label>Name</Label>
          <Input />
          <Text slot="description">Shown in the integration logs, e.g. “ERP sync (production)”.</Text>
          <FieldError />
        </TextField>

        <fieldset className="scopes">
          <legend>Scopes</legend>
          <Checkbox isSelected={all} onChange={setAll} value={ALL_INTEGRATIONS}>
            <span className="box" aria-hidden="true" />
            <span>
              Every resource, every action (<code>{ALL_INTEGRATIONS}</code>)
            </span>
          </Checkbox>
          {!all ? (
            <div className="per-resource">
              {RESOURCES.map((resource) => (
                <CheckboxGroup
                  key={resource.name}
                  className="resource-scopes"
                  value={perResource[resource.name] ?? []}
                  onChange={(actions) => setPerResource((current) => ({ ...current, [resource.name]: actions }))}
                >
                  <Label>{resource.label}</Label>
                  {resource.actions.map((action) => (
                    <Checkbox key={action} value={action} aria-label={`${resource.label}: ${action}`}>
                      <span className="box" aria-hidden="true" />
                      {action}
                    </Checkbox>
                  ))}
                </CheckboxGroup>
              ))}
            </div>
          ) : null}
          {scopeError ? (
            <p className="error" role="alert">
              {scopeError}
            </p>
          ) : null}
        </fieldset>

        <TextField name="expires_at" value={expiresOn} onChange={setExpiresOn}>
          <Label>Expires on (optional)</Label>
          <Input type="date" min={tomorrow()} />
          <Text slot="description">Leave empty for a key that never expires. It stops working after this day (UTC).</Text>
          <FieldError />
        </TextField>

        <RateLimitField value={rateLimit} onChange={setRateLimit} />

        {fixedPartner ? (
          <p className="note">
            Partner: <strong>{fixedPartner.name}</strong> (fixed for the key's life).
          </p>
        ) : (
          <SelectField
            label="Partner (optional)"
            name="partner"
            selectedKey={partner}
            onChange={setPartner}
            description="A partner key has its partner's field mapping applied; without one the key passes data through unchanged."
            options={[{ id: 'none', label: 'None (pass-through)' }, ...partnerList.map((p) => ({ id: p.id, label: p.name }))]}
          />
        )}

        <FormActions
          error={create.error}
          hasFieldErrors={Object.keys(fieldErrors(create.error)).length > 0}
          isPending={create.isPending}
          onCancel={() => {
            reset();
            onClose();
          }}
          submitLabel="Create"
        />
      </Form>
    </ModalDialog>
  );
}

/** The API's field errors (`400 VALIDATION_ERROR` details) for the form's fields, shown next to them. */
function fieldErrors(error: unknown): Record<string, string[]> {
  const details = (error as { details?: Record<string, string[]> } | null)?.details;
  if (!details) return {};
  return Object.fromEntries(Object.entries(details).filter(([k]) => ['name', 'expires_at', 'partner', 'rate_limit_per_second'].includes(k)));
}

/** "Rate limit (requests per second)": empty = no rate limit. */
function RateLimitField({ value, onChange, autoFocus }: { value: string; onChange: (value: string) => void; autoFocus?: boolean }) {
  return (
    <TextField name="rate_limit_per_second" value={value} onChange={onChange} autoFocus={autoFocus}>
      <Label>Rate limit (requests per second)</Label>
      <Input inputMode="numeric" />
      <Text slot="description">
        Optional, {MIN_RATE_LIMIT}–{MAX_RATE_LIMIT.toLocaleString('en-US')}. Leave empty for no rate limit. Requests above it are answered 429 RATE_LIMITED.
      </Text>
      <FieldError />
    </TextField>
  );
}

/** Set rate limit: changes (or removes) a key's rate limit; it applies from the key's next request. */
function RateLimitDialog({ apiKey, onClose, onSaved }: { apiKey: ApiKey | null; onClose: () => void; onSaved: () => void }) {
  const [text, setText] = useState<string | null>(null);
  const save = useMutation({
    mutationFn: ({ id, limit }: { id: string; limit: number | string | null }) => send<ApiKey>('PATCH', `api-keys/${id}/`, { rate_limit_per_second: limit }),
    onSuccess: () => {
      setText(null);
      onSaved();
    },
  });
  const close = () => {
    setText(null);
    save.reset();
    onClose();
  };
  const value = text ?? (apiKey?.rate_limit_per_second == null ? '' : String(apiKey.rate_limit_per_second));
  return (
    <ModalDialog title="Set rate limit" isOpen={apiKey !== null} onOpenChange={(open) => !open && close()}>
      {apiKey ? (
        <Form
          className="form"
          onSubmit={(e: FormEvent<HTMLFormElement>) => {
            e.preventDefault();
            save.mutate({ id: apiKey.id, limit: rateLimitValue(value) });
          }}
          validationErrors={fieldErrors(save.error)}
        >
          <p className="note">
            Key <strong>{apiKey.name}</strong> ({apiKey.prefix}…). The change applies from its next request, on every gateway.
          </p>
          <RateLimitField value={value} onChange={setText} autoFocus />
          <FormActions
            error={save.error}
            hasFieldErrors={Object.keys(fieldErrors(save.error)).length > 0}
            isPending={save.isPending}
            onCancel={close}
            submitLabel="Save"
          />
        </Form>
      ) : null}
    </ModalDialog>
  );
}

function tomorrow(): string {
  return new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
}

/** The new key, shown once: Copy, then it is gone — only its prefix is ever shown again. */
function KeyShownOnce({ created, onClose }: { created: CreatedApiKey | null; onClose: () => void }) {
  const [copied, setCopied] = useState<'no' | 'yes' | 'failed'>('no');
  const close = () => {
    setCopied('no');
    onClose();
  };
  const copy = async (key: string) => {
    try {
      await navigator.clipboard.writeText(key);
      setCopied('yes');
    } catch {
      setCopied('failed');
    }
  };
  return (
    <ModalDialog title="Your new API key" isOpen={created !== null} onOpenChange={(open) => !open && close()} isDismissable={false}>
      {created ? (
        <>
          <p>
            This key is <strong>shown once</strong>: copy it now and store it in your ERP system's configuration. After you close this window only its prefix (
            <code>{created.prefix}</code>) is shown.
          </p>
          <TextField isReadOnly value={created.key} className="key-field">
            <Label>API key for {created.name}</Label>
            <Input className="mono" onFocus={(e) => e.currentTarget.select()} />
          </TextField>
          <div className="dialog-buttons">
            <Button className="primary" onPress={() => void copy(created.key)}>
              Copy
            </Button>
            <Button onPress={close}>Done</Button>
          </div>
          <p role="status" className="note">
            {copied === 'yes' ? 'Copied to the clipboard.' : copied === 'failed' ? 'Copying failed: select the key and copy it yourself.' : ''}
          </p>
        </>
      ) : null}
    </ModalDialog>
  );
}
