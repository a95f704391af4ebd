/** Tenant users of the admin surface (admin.md §2): representation, roles, password policy, input validation. */
import { isValidApiString } from '@datamingle/kernel';

export type UserRole = 'admin' | 'viewer';
export const USER_ROLES: readonly UserRole[] = ['admin', 'viewer'];

export const PASSWORD_MIN_LENGTH = 12;
export const PASSWORD_MAX_LENGTH = 256;
export const EMAIL_MAX_LENGTH = 254;
export const NAME_MAX_LENGTH = 255;

export interface UserView {
  id: string;
  email: string;
  name: string;
  role: UserRole;
  is_active: boolean;
  created_at: string;
  last_sign_in_at: string | null;
}

/** Field errors: path → messages (errors.md §4.1). */
export type FieldErrors = Record<string, string[]>;

export function addError(errors: FieldErrors, path: string, message: string): void {
  (errors[path] ??= []).push(message);
}

/** Length counted in code points, like the integration API's string limits. */
export function charLength(value: string): number {
  return [...value].length;
}

/** The password policy: 12–256 characters. Returns the message of the first violation, else null. */
export function passwordProblem(password: unknown): string | null {
  if (typeof password !== 'string') return 'Not a valid string.';
  const n = charLength(password);
  if (n < PASSWORD_MIN_LENGTH) return `Ensure this field has at least ${PASSWORD_MIN_LENGTH} characters.`;
  if (n > PASSWORD_MAX_LENGTH) return `Ensure this field has no more than ${PASSWORD_MAX_LENGTH} characters.`;
  return null;
}

const EMAIL = /^[^\s@]+@[^\s@]+$/;

/** An email as given (trimmed); the problem when it is not one. */
export function emailProblem(email: unknown): string | null {
  // U+0000 and unpaired surrogates cannot be stored (text, and the jsonb of the audit event).
  if (typeof email !== 'string' || !isValidApiString(email)) return 'Not a valid string.';
  const trimmed = email.trim();
  if (trimmed === '') return 'This field may not be blank.';
  if (charLength(trimmed) > EMAIL_MAX_LENGTH) return `Ensure this field has no more than ${EMAIL_MAX_LENGTH} characters.`;
  if (!EMAIL.test(trimmed)) return 'Enter a valid email address.';
  return null;
}

export function nameProblem(name: unknown): string | null {
  if (typeof name !== 'string' || !isValidApiString(name)) return 'Not a valid string.';
  if (charLength(name) > NAME_MAX_LENGTH) return `Ensure this field has no more than ${NAME_MAX_LENGTH} characters.`;
  return null;
}

export function roleProblem(role: unknown): string | null {
  if (typeof role !== 'string') return 'Not a valid string.';
  return (USER_ROLES as readonly string[]).includes(role) ? null : `"${role}" is not a valid choice.`;
}

export interface NewUserInput {
  email: string;
  name: string;
  role: UserRole;
  password: string;
}

/**
 * `POST users/` (and the CLI's `user create`): `email` and `password` required, `name` default
 * `""`, `role` default `defaultRole`. Field errors in the order email, name, role, password.
 */
export function validateNewUser(body: Record<string, unknown>, defaultRole: UserRole): { ok: true; value: NewUserInput } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const field = (name: string, problem: (v: unknown) => string | null, required: boolean) => {
    const v = body[name];
    if (v === undefined) {
      if (required) addError(errors, name, 'This field is required.');
      return;
    }
    if (v === null) return addError(errors, name, 'This field may not be null.');
    const p = problem(v);
    if (p) addError(errors, name, p);
  };
  field('email', emailProblem, true);
  field('name', nameProblem, false);
  field('role', roleProblem, false);
  field('password', passwordProblem, true);
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return {
    ok: true,
    value: {
      email: (body['email'] as string).trim(),
      name: (body['name'] as string | undefined) ?? '',
      role: (body['role'] as UserRole | undefined) ?? defaultRole,
      password: body['password'] as string,
    },
  };
}

export interface UserPatch {
  name?: string;
  role?: UserRole;
  is_active?: boolean;
}

/** `PATCH users/{id}/`: `name`, `role`, `is_active`; other keys are ignored. */
export function validateUserPatch(body: Record<string, unknown>): { ok: true; value: UserPatch } | { ok: false; errors: FieldErrors } {
  const errors: FieldErrors = {};
  const patch: UserPatch = {};
  if (body['name'] !== undefined) {
    const p = body['name'] === null ? 'This field may not be null.' : nameProblem(body['name']);
    if (p) addError(errors, 'name', p);
    else patch.name = body['name'] as string;
  }
  if (body['role'] !== undefined) {
    const p = body['role'] === null ? 'This field may not be null.' : roleProblem(body['role']);
    if (p) addError(errors, 'role', p);
    else patch.role = body['role'] as UserRole;
  }
  if (body['is_active'] !== undefined) {
    if (typeof body['is_active'] !== 'boolean') addError(errors, 'is_active', body['is_active'] === null ? 'This field may not be null.' : 'Must be a valid boolean.');
    else patch.is_active = body['is_active'];
  }
  return Object.keys(errors).length > 0 ? { ok: false, errors } : { ok: true, value: patch };
}

/** The message of refusing to leave a tenant without an active admin (admin.md §2). */
export const LAST_ADMIN_MESSAGE = 'A tenant must keep at least one active admin.';
