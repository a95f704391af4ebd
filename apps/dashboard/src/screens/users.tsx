/**
 * Users (admin.md §6): the tenant's users; admins create a user with a role, change a user's
 * role and disable or enable them. Viewers see the list only. The API keeps one active admin at
 * least (its 400 is shown).
 */
import { useState, type FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import {
  Button,
  Cell,
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
import { messageOf, send, type User } from '../api';
import { usePages } from '../paging';
import { useCanWrite, useUser } from '../session';
import { ConfirmDialog, ErrorNote, FormActions, formatDateTime, LoadMore, ModalDialog, ScreenHeader, SelectField } from '../ui';

const USERS = ['users'] as const;

export function UsersScreen() {
  const canWrite = useCanWrite();
  const me = useUser();
  const queryClient = useQueryClient();
  const users = usePages<User>(USERS, 'users/');
  const [creating, setCreating] = useState(false);
  const [disabling, setDisabling] = useState<User | null>(null);
  const refresh = () => queryClient.invalidateQueries({ queryKey: USERS });
  const update = useMutation({
    mutationFn: ({ user, change }: { user: User; change: Partial<Pick<User, 'role' | 'is_active'>> }) => send<User>('PATCH', `users/${user.id}/`, change),
    onSuccess: () => setDisabling(null),
    onSettled: refresh,
  });
  const rows = users.rows;
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title="Users">
        {canWrite ? (
          <Button className="primary" onPress={() => setCreating(true)}>
            Create user
          </Button>
        ) : null}
      </ScreenHeader>
      <p className="note">Admins manage keys, partners, users and the workspace; viewers can look at everything and change only their own password.</p>
      <ErrorNote error={users.error ?? (disabling ? null : update.error)} />
      <div className="table-scroll">
        <Table aria-label="Users" className="table">
          <TableHeader>
            <Column isRowHeader>Email</Column>
            <Column>Name</Column>
            <Column>Role</Column>
            <Column>Status</Column>
            <Column>Last sign-in</Column>
            {canWrite ? <Column>Actions</Column> : null}
          </TableHeader>
          <TableBody items={rows} renderEmptyState={() => (users.isPending ? 'Loading…' : 'No users.')}>
            {(user) => (
              <Row id={user.id}>
                <Cell data-label="Email">
                  {user.email}
                  {user.id === me.id ? ' (you)' : ''}
                </Cell>
                <Cell data-label="Name">{user.name || '—'}</Cell>
                <Cell data-label="Role">{user.role}</Cell>
                <Cell data-label="Status">{user.is_active ? 'Active' : 'Disabled'}</Cell>
                <Cell data-label="Last sign-in">{formatDateTime(user.last_sign_in_at, 'Never')}</Cell>
                {canWrite ? (
                  <Cell data-label="Actions">
                    <div className="row-actions">
                      <Button
                        onPress={() => update.mutate({ user, change: { role: user.role === 'admin' ? 'viewer' : 'admin' } })}
                        isPending={update.isPending && update.variables?.user.id === user.id && 'role' in update.variables.change}
                      >
                        {user.role === 'admin' ? 'Make viewer' : 'Make admin'}
                      </Button>
                      {user.is_active ? (
                        <Button className="danger" onPress={() => setDisabling(user)}>
                          Disable
                        </Button>
                      ) : (
                        <Button onPress={() => update.mutate({ user, change: { is_active: true } })}>Enable</Button>
                      )}
                    </div>
                  </Cell>
                ) : null}
              </Row>
            )}
          </TableBody>
        </Table>
      </div>
      <LoadMore what="users" hasMore={users.hasNextPage} isLoading={users.isFetchingNextPage} onLoad={() => void users.fetchNextPage()} />
      {canWrite ? (
        <>
          <CreateUserDialog
            isOpen={creating}
            onClose={() => setCreating(false)}
            onCreated={() => {
              setCreating(false);
              void refresh();
            }}
          />
          <ConfirmDialog
            title="Disable user"
            isOpen={disabling !== null}
            message={`${disabling?.email ?? ''} is signed out everywhere at once and cannot sign in until enabled again.`}
            confirmLabel="Disable"
            isPending={update.isPending}
            error={update.error}
            onCancel={() => {
              setDisabling(null);
              update.reset();
            }}
            onConfirm={() => disabling && update.mutate({ user: disabling, change: { is_active: false } })}
          />
        </>
      ) : null}
    </section>
  );
}

function CreateUserDialog({ isOpen, onClose, onCreated }: { isOpen: boolean; onClose: () => void; onCreated: () => void }) {
  const [email, setEmail] = useState('');
  const [name, setName] = useState('');
  const [role, setRole] = useState<'admin' | 'viewer'>('viewer');
  const [password, setPassword] = useState('');
  const create = useMutation({
    mutationFn: () => send<User>('POST', 'users/', { email: email.trim(), name: name.trim(), role, password }),
    onSuccess: () => {
      reset();
      onCreated();
    },
  });
  const reset = () => {
    setEmail('');
    setName('');
    setRole('viewer');
    setPassword('');
    create.reset();
  };
  const close = () => {
    reset();
    onClose();
  };
  const details = (create.error as { details?: Record<string, string[]> } | null)?.details ?? {};
  const fieldErrors = Object.fromEntries(Object.entries(details).filter(([k]) => ['email', 'name', 'role', 'password'].includes(k)));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    create.mutate();
  };
  return (
    <ModalDialog title="Create user" isOpen={isOpen} onOpenChange={(open) => !open && close()}>
      <Form className="form" onSubmit={onSubmit} validationErrors={fieldErrors}>
        <TextField name="email" type="email" isRequired value={email} onChange={setEmail} autoFocus>
          <Label>Email</Label>
          <Input />
          <FieldError />
        </TextField>
        <TextField name="name" value={name} onChange={setName}>
          <Label>Name</Label>
          <Input />
          <FieldError />
        </TextField>
        <SelectField
          label="Role"
          name="role"
          selectedKey={role}
          onChange={(k) => setRole(k === 'admin' ? 'admin' : 'viewer')}
          options={[
            { id: 'viewer', label: 'Viewer — can look at everything' },
            { id: 'admin', label: 'Admin — can change everything' },
          ]}
        />
        <TextField name="password" type="password" isRequired minLength={12} maxLength={256} value={password} onChange={setPassword} autoComplete="new-password">
          <Label>Password</Label>
          <Input />
          <Text slot="description">12 to 256 characters. Share it with the user over a safe channel.</Text>
          <FieldError />
        </TextField>
        <FormActions error={create.error} hasFieldErrors={Object.keys(fieldErrors).length > 0} isPending={create.isPending} onCancel={close} submitLabel="Create" />
      </Form>
    </ModalDialog>
  );
}
