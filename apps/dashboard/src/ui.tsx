/** Small building blocks shared by the screens, on react-aria-components. */
import type { ReactNode } from 'react';
import { Button, Dialog, FieldError, Heading, Label, ListBox, ListBoxItem, Modal, ModalOverlay, Popover, Select, SelectValue, Text } from 'react-aria-components';
import { messageOf } from './api';

export function ScreenHeader({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="screen-header">
      <h1 id="screen-title" tabIndex={-1}>
        {title}
      </h1>
      {children ? <div className="screen-actions">{children}</div> : null}
    </div>
  );
}

/** A request's failure, announced to screen readers. */
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  return (
    <p className="error" role="alert">
      {messageOf(error)}
    </p>
  );
}

/** A modal dialog with a title; closes on Escape. */
export function ModalDialog({
  title,
  isOpen,
  onOpenChange,
  role = 'dialog',
  isDismissable = true,
  children,
}: {
  title: string;
  isOpen: boolean;
  onOpenChange: (open: boolean) => void;
  role?: 'dialog' | 'alertdialog';
  isDismissable?: boolean;
  children: ReactNode;
}) {
  return (
    <ModalOverlay className="modal-overlay" isOpen={isOpen} onOpenChange={onOpenChange} isDismissable={isDismissable} isKeyboardDismissDisabled={!isDismissable}>
      <Modal className="modal">
        <Dialog className="dialog" role={role}>
          <Heading slot="title">{title}</Heading>
          {children}
        </Dialog>
      </Modal>
    </ModalOverlay>
  );
}

/** "Are you sure?" before a change that cannot be undone or that stops traffic. */
export function ConfirmDialog({
  title,
  message,
  confirmLabel,
  isOpen,
  onCancel,
  onConfirm,
  isPending,
  error,
}: {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  isOpen: boolean;
  onCancel: () => void;
  onConfirm: () => void;
  isPending?: boolean;
  error?: unknown;
}) {
  return (
    <ModalDialog title={title} isOpen={isOpen} onOpenChange={(open) => !open && onCancel()} role="alertdialog">
      <p>{message}</p>
      <ErrorNote error={error} />
      <div className="dialog-buttons">
        <Button onPress={onCancel} autoFocus>
          Cancel
        </Button>
        <Button className="danger" onPress={onConfirm} isPending={isPending}>
          {confirmLabel}
        </Button>
      </div>
    </ModalDialog>
  );
}

/** "Load more" for cursor-paged lists: nothing loads unbounded data. */
export function LoadMore({ hasMore, isLoading, onLoad, what }: { hasMore: boolean; isLoading: boolean; onLoad: () => void; what: string }) {
  if (!hasMore) return null;
  return (
    <div className="load-more">
      <Button onPress={onLoad} isPending={isLoading}>
        Load more
      </Button>
    </div>
  );
}

const dateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

export function formatDateTime(value: string | null | undefined, empty = '—'): string {
  if (!value) return empty;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? value : dateTime.format(d);
}

/** A labelled drop-down choice of one option (React Aria's Select), keyed by the options' ids. */
export function SelectField({
  label,
  name,
  selectedKey,
  onChange,
  options,
  description,
  errors = [],
  isDisabled,
}: {
  label: string;
  name?: string;
  selectedKey: string;
  onChange: (key: string) => void;
  options: readonly { id: string; label: string }[];
  description?: string;
  /** The API's errors for this field, shown under it. */
  errors?: readonly string[];
  isDisabled?: boolean;
}) {
  return (
    <Select name={name} selectedKey={selectedKey} onSelectionChange={(k) => onChange(String(k))} isInvalid={errors.length > 0} isDisabled={isDisabled}>
      <Label>{label}</Label>
      <Button className="select-button">
        <SelectValue />
        <span aria-hidden="true">▾</span>
      </Button>
      {description ? <Text slot="description">{description}</Text> : null}
      <FieldError>{errors.join(' ')}</FieldError>
      <Popover className="popover">
        <ListBox className="listbox">
          {options.map((o) => (
            <ListBoxItem key={o.id} id={o.id}>
              {o.label}
            </ListBoxItem>
          ))}
        </ListBox>
      </Popover>
    </Select>
  );
}

/**
 * The end of a dialog's form: the request's error when it is not about a field (field errors
 * show beside their fields), then Cancel and the submit button.
 */
export function FormActions({
  error,
  hasFieldErrors,
  isPending,
  onCancel,
  submitLabel,
}: {
  error: unknown;
  hasFieldErrors: boolean;
  isPending: boolean;
  onCancel: () => void;
  submitLabel: string;
}) {
  return (
    <>
      {error && !hasFieldErrors ? (
        <p className="error" role="alert">
          {messageOf(error)}
        </p>
      ) : null}
      <div className="dialog-buttons">
        <Button onPress={onCancel}>Cancel</Button>
        <Button type="submit" className="primary" isPending={isPending}>
          {submitLabel}
        </Button>
      </div>
    </>
  );
}
