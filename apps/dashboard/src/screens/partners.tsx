/**
 * Partners (admin.md §6, custom-integrations.md §1): the tenant's partners (cursor-paged) and
 * **New partner** (name + the template picker, from `GET templates/`). A partner's page has the tabs
 * **API keys** (its keys; Create key makes a key of this partner), **Field mapping** (its mappings:
 * screens/field-mapping.tsx; a template's mappings are there from the partner's creation) and
 * **Logs** (the integration log entries of its keys: screens/integration-logs.tsx). Viewers see no
 * write controls.
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Button, Cell, Column, FieldError, Form, Input, Label, Row, Tab, Table, TableBody, TableHeader, TabList, TabPanel, Tabs, Text, TextField } from 'react-aria-components';
import { Link, useNavigate, useParams } from 'react-router';
import { getData, getPage, send, type Page, type Partner, type Template } from '../api';
import { usePages } from '../paging';
import { useCanWrite } from '../session';
import { ConfirmDialog, ErrorNote, FormActions, formatDateTime, LoadMore, ModalDialog, ScreenHeader, SelectField } from '../ui';
import { KeysPanel, PARTNERS } from './api-keys';
import { LogsPanel } from './integration-logs';
import { FieldMappingPanel } from './field-mapping';
import { NotFoundScreen } from './not-found';

/**
 * The templates a partner can start from (`GET templates/`, custom-integrations.md §10.1), in the
 * API's order (admin.md §6: Acumatica, SAP Business One, NetSuite, Shopify, Logo ERP, Mikro ERP,
 * Custom). Templates change only with a platform release or a template publication: read once.
 */
function useTemplates() {
  return useQuery({
    queryKey: ['templates'],
    queryFn: async () => {
      const templates: Template[] = [];
      let cursor: string | null = null;
      // A handful of templates; the list is paged like every list, so follow its cursor (bounded).
      for (let i = 0; i < 10; i++) {
        const page: Page<Template> = await getPage<Template>('templates/', cursor, 100);
        templates.push(...page.data);
        cursor = page.pagination.next_cursor;
        if (!cursor) break;
      }
      return templates;
    },
    staleTime: Infinity,
  });
}

/** A template's name by its slug (the slug itself until the templates are read, or for one no longer published). */
function useTemplateLabel(): (slug: string) => string {
  const templates = useTemplates();
  const names = new Map((templates.data ?? []).map((t) => [t.slug, t.name]));
  return (slug) => names.get(slug) ?? slug;
}

const partnerPath = (id: string) => `/partners/${id}`;

export function PartnersScreen() {
  const canWrite = useCanWrite();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const partners = usePages<Partner>([...PARTNERS, 'list'], 'partners/');
  const templateLabel = useTemplateLabel();
  const [creating, setCreating] = useState(false);
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title="Partners">
        {canWrite ? (
          <Button className="primary" onPress={() => setCreating(true)}>
            New partner
          </Button>
        ) : null}
      </ScreenHeader>
      <p className="note">A partner is an external system that sends data in its own field names. Its keys have its field mapping applied; keys without a partner pass data through unchanged.</p>
      <ErrorNote error={partners.error} />
      <div className="table-scroll">
        <Table aria-label="Partners" className="table">
          <TableHeader>
            <Column isRowHeader>Name</Column>
            <Column>Template</Column>
            <Column>Default identifier field</Column>
            <Column>Created</Column>
          </TableHeader>
          <TableBody items={partners.rows} renderEmptyState={() => (partners.isPending ? 'Loading…' : 'No partners yet.')}>
            {(partner) => (
              <Row id={partner.id}>
                <Cell data-label="Name">
                  <Link to={partnerPath(partner.id)}>{partner.name}</Link>
                </Cell>
                <Cell data-label="Template">{templateLabel(partner.template)}</Cell>
                <Cell data-label="Default identifier field">{partner.default_identifier_field ? <code>{partner.default_identifier_field}</code> : 'Platform default'}</Cell>
                <Cell data-label="Created">{formatDateTime(partner.created_at)}</Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      </div>
      <LoadMore what="partners" hasMore={partners.hasNextPage} isLoading={partners.isFetchingNextPage} onLoad={() => void partners.fetchNextPage()} />
      {canWrite ? (
        <NewPartnerDialog
          isOpen={creating}
          onClose={() => setCreating(false)}
          onCreated={(partner) => {
            setCreating(false);
            void queryClient.invalidateQueries({ queryKey: PARTNERS });
            void navigate(partnerPath(partner.id));
          }}
        />
      ) : null}
    </section>
  );
}

function NewPartnerDialog({ isOpen, onClose, onCreated }: { isOpen: boolean; onClose: () => void; onCreated: (partner: Partner) => void }) {
  const [name, setName] = useState('');
  const [template, setTemplate] = useState('custom');
  const templates = useTemplates();
  const create = useMutation({
    mutationFn: () => send<Partner>('POST', 'partners/', { name: name.trim(), template }),
    onSuccess: (partner) => {
      reset();
      onCreated(partner);
    },
  });
  const reset = () => {
    setName('');
    setTemplate('custom');
    create.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const details = (create.error as { details?: Record<string, string[]> } | null)?.details ?? {};
  const fieldErrors = Object.fromEntries(Object.entries(details).filter(([k]) => ['name', 'template'].includes(k)));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <ModalDialog title="New partner" isOpen={isOpen} onOpenChange={(open) => !open && close()}>
      <Form className="form" onSubmit={onSubmit} validationErrors={fieldErrors}>
        <TextField name="name" isRequired maxLength={255} value={name} onChange={setName} autoFocus>
          <Label>Name</Label>
          <Input />
          <Text slot="description">Unique in this workspace and shown in the integration logs, e.g. “Acumatica (production)”.</Text>
          <FieldError />
        </TextField>
        <SelectField
          label="Template"
          name="template"
          selectedKey={template}
          onChange={setTemplate}
          description="The system the partner runs. Custom starts from scratch: its payloads use the platform's field names until a mapping is added."
          options={(templates.data ?? []).map((t) => ({ id: t.slug, label: t.name }))}
          errors={fieldErrors['template'] ?? []}
        />
        <ErrorNote error={templates.error} />
        <FormActions error={create.error} hasFieldErrors={Object.keys(fieldErrors).length > 0} isPending={create.isPending} onCancel={close} submitLabel="Create" />
      </Form>
    </ModalDialog>
  );
}

/** A partner's page: its details, Delete (refused by the API while keys are linked), and the tabs. */
export function PartnerScreen() {
  const { id = '' } = useParams();
  const canWrite = useCanWrite();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const templateLabel = useTemplateLabel();
  const partner = useQuery({ queryKey: [...PARTNERS, 'one', id], queryFn: () => getData<Partner>(`partners/${encodeURIComponent(id)}/`) });
  const [deleting, setDeleting] = useState(false);
  const remove = useMutation({
    mutationFn: () => send<void>('DELETE', `partners/${encodeURIComponent(id)}/`),
    onSuccess: () => {
      setDeleting(false);
      void queryClient.invalidateQueries({ queryKey: PARTNERS });
      void navigate('/partners');
    },
  });
  const error = partner.error as { status?: number } | null;
  if (error?.status === 404) return <NotFoundScreen />;
  const p = partner.data;
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title={p ? p.name : 'Partner'}>
        {canWrite && p ? (
          <Button className="danger" onPress={() => setDeleting(true)}>
            Delete partner
          </Button>
        ) : null}
      </ScreenHeader>
      <p className="note">
        <Link to="/partners">All partners</Link>
        {p ? (
          <>
            {' · '}Template: {templateLabel(p.template)} · Default identifier field: {p.default_identifier_field ? <code>{p.default_identifier_field}</code> : 'platform default'}
          </>
        ) : null}
      </p>
      <ErrorNote error={partner.error} />
      {p ? (
        <Tabs className="tabs">
          <TabList aria-label={`${p.name}`} className="tab-list">
            <Tab id="keys">API keys</Tab>
            <Tab id="mapping">Field mapping</Tab>
            <Tab id="logs">Logs</Tab>
          </TabList>
          <TabPanel id="keys" className="tab-panel">
            <KeysPanel partner={p} />
          </TabPanel>
          <TabPanel id="mapping" className="tab-panel">
            <FieldMappingPanel partner={p} />
          </TabPanel>
          <TabPanel id="logs" className="tab-panel">
            <LogsPanel partner={p} />
          </TabPanel>
        </Tabs>
      ) : null}
      {canWrite && p ? (
        <ConfirmDialog
          title="Delete partner"
          isOpen={deleting}
          message={
            <>
              Delete <strong>{p.name}</strong> for good? Its field mappings go with it. A partner that still has API keys cannot be deleted: delete its keys first.
            </>
          }
          confirmLabel="Delete"
          isPending={remove.isPending}
          error={remove.error}
          onCancel={() => {
            setDeleting(false);
            remove.reset();
          }}
          onConfirm={() => remove.mutate()}
        />
      ) : null}
    </section>
  );
}
