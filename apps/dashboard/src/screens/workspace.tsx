/** Workspace (admin.md §6): the tenant's integration switch (`settings/`), with a confirmation before turning it off. */
import { useState } from 'react';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Switch } from 'react-aria-components';
import { getData, send, type Settings } from '../api';
import { useCanWrite } from '../session';
import { ConfirmDialog, ErrorNote, ScreenHeader } from '../ui';

export function WorkspaceScreen() {
  const canWrite = useCanWrite();
  const queryClient = useQueryClient();
  const settings = useQuery({ queryKey: ['settings'], queryFn: () => getData<Settings>('settings/') });
  const [confirmOff, setConfirmOff] = useState(false);
  const change = useMutation({
    mutationFn: (integration_enabled: boolean) => send<Settings>('PATCH', 'settings/', { integration_enabled }),
    onSuccess: (data) => {
      queryClient.setQueryData(['settings'], data);
      setConfirmOff(false);
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: ['settings'] }),
  });
  const enabled = settings.data?.integration_enabled;
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title="Workspace" />
      <ErrorNote error={settings.error ?? (confirmOff ? null : change.error)} />
      {settings.data ? (
        <div className="card setting">
          <Switch
            className="switch"
            isSelected={enabled === true}
            isDisabled={!canWrite || change.isPending}
            onChange={(on) => {
              if (on) change.mutate(true);
              else setConfirmOff(true);
            }}
          >
            <span className="track" aria-hidden="true">
              <span className="thumb" />
            </span>
            Integration API access
          </Switch>
          <p className="note">
            {enabled
              ? 'ERP systems can call the integration API with their keys.'
              : 'Switched off: every integration request is refused with 403 INTEGRATION_DISABLED. Keys, partners and data are kept.'}
            {!canWrite ? ' Only admins can change this.' : ''}
          </p>
        </div>
      ) : (
        !settings.error && <p role="status">Loading…</p>
      )}
      <ConfirmDialog
        title="Turn off the integration API?"
        isOpen={confirmOff}
        message="Every ERP system calling this workspace will be refused (403 INTEGRATION_DISABLED) from the next request on, until you turn it back on."
        confirmLabel="Turn off"
        isPending={change.isPending}
        error={change.error}
        onCancel={() => {
          setConfirmOff(false);
          change.reset();
        }}
        onConfirm={() => change.mutate(false)}
      />
    </section>
  );
}
