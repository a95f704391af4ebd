/** Change password (`POST me/password/`, admin.md §4): every user, viewers included, for their own account; the user's other sessions end. */
import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { Button, FieldError, Form, Input, Label, Text, TextField } from 'react-aria-components';
import { messageOf, send } from './api';
import { FormActions, ModalDialog } from './ui';

export function ChangePassword() {
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState(false);
  const [current, setCurrent] = useState('');
  const [next, setNext] = useState('');
  const change = useMutation({
    mutationFn: () => send<unknown>('POST', 'me/password/', { current_password: current, new_password: next }),
    onSuccess: () => setDone(true),
  });
  const close = () => {
    setOpen(false);
    setDone(false);
    setCurrent('');
    setNext('');
    change.reset();
  };
  const details = (change.error as { details?: Record<string, string[]> } | null)?.details ?? {};
  const fieldErrors = Object.fromEntries(Object.entries(details).filter(([k]) => k === 'current_password' || k === 'new_password'));
  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    change.mutate();
  };
  return (
    <>
      <Button onPress={() => setOpen(true)}>Change password</Button>
      <ModalDialog title="Change password" isOpen={open} onOpenChange={(o) => !o && close()}>
        {done ? (
          <>
            <p role="status">Your password was changed. Your other sessions were signed out.</p>
            <div className="dialog-buttons">
              <Button className="primary" onPress={close} autoFocus>
                Done
              </Button>
            </div>
          </>
        ) : (
          <Form className="form" onSubmit={onSubmit} validationErrors={fieldErrors}>
            <TextField name="current_password" type="password" isRequired value={current} onChange={setCurrent} autoComplete="current-password" autoFocus>
              <Label>Current password</Label>
              <Input />
              <FieldError />
            </TextField>
            <TextField name="new_password" type="password" isRequired minLength={12} maxLength={256} value={next} onChange={setNext} autoComplete="new-password">
              <Label>New password</Label>
              <Input />
              <Text slot="description">12 to 256 characters.</Text>
              <FieldError />
            </TextField>
            <FormActions error={change.error} hasFieldErrors={Object.keys(fieldErrors).length > 0} isPending={change.isPending} onCancel={close} submitLabel="Change password" />
          </Form>
        )}
      </ModalDialog>
    </>
  );
}
