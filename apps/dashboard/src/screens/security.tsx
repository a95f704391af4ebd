/** Security (admin.md §6): API key activity — the security events (auth-and-keys.md §9), newest first, cursor-paged. */
import { useState } from 'react';
import { Cell, Column, Row, Table, TableBody, TableHeader } from 'react-aria-components';
import type { SecurityEvent } from '../api';
import { usePages } from '../paging';
import { ErrorNote, formatDateTime, LoadMore, ScreenHeader, SelectField } from '../ui';

const REASONS: Record<string, string> = {
  NOT_AUTHENTICATED: 'No key sent',
  AUTHENTICATION_FAILED: 'Invalid key',
  KEY_EXPIRED: 'Expired key',
  INTEGRATION_DISABLED: 'Integration switched off',
  PERMISSION_DENIED: 'Missing scope',
};

export function SecurityScreen() {
  const [reason, setReason] = useState('all');
  const filters: Record<string, string> = reason === 'all' ? {} : { reason };
  // The filter goes with every page (pagination.md §1: the cursor encodes only a position).
  const events = usePages<SecurityEvent>(['security-events', reason], 'security-events/', filters);
  const rows = events.rows.map((e, i) => ({ ...e, key: e.id ?? `${e.request_id}-${i}` }));
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title="Security" />
      <p className="note">API key activity: requests the integration API refused at authentication, newest first. Submitted key values are never recorded.</p>
      <div className="filters">
        <SelectField
          label="Reason"
          selectedKey={reason}
          onChange={setReason}
          options={[{ id: 'all', label: 'All reasons' }, ...Object.entries(REASONS).map(([id, label]) => ({ id, label }))]}
        />
      </div>
      <ErrorNote error={events.error} />
      <div className="table-scroll">
        <Table aria-label="Security events" className="table">
          <TableHeader>
            <Column isRowHeader>Time</Column>
            <Column>Reason</Column>
            <Column>API key</Column>
            <Column>Request</Column>
            <Column>Client</Column>
            <Column>Count</Column>
            <Column>Request ID</Column>
          </TableHeader>
          <TableBody items={rows} renderEmptyState={() => (events.isPending ? 'Loading…' : 'No security events.')}>
            {(e) => (
              <Row id={e.key}>
                <Cell data-label="Time">{formatDateTime(e.occurred_at)}</Cell>
                <Cell data-label="Reason">
                  {REASONS[e.reason] ?? e.reason} <code className="muted">{e.reason}</code>
                </Cell>
                <Cell data-label="API key">{e.api_key ? e.api_key.name : 'Unknown key'}</Cell>
                <Cell data-label="Request">
                  <code>
                    {e.method} {e.path}
                  </code>
                </Cell>
                <Cell data-label="Client">{e.client_ip}</Cell>
                <Cell data-label="Count">{e.count && e.count > 1 ? `${e.count} (${formatDateTime(e.first_at)} – ${formatDateTime(e.last_at)})` : '1'}</Cell>
                <Cell data-label="Request ID">
                  <code className="muted">{e.request_id}</code>
                </Cell>
              </Row>
            )}
          </TableBody>
        </Table>
      </div>
      <LoadMore what="events" hasMore={events.hasNextPage} isLoading={events.isFetchingNextPage} onLoad={() => void events.fetchNextPage()} />
    </section>
  );
}
