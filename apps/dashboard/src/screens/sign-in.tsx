/** Sign in (admin.md §6): Email, Password, Sign in; a failure shows the API's message (`Invalid email or password`). */
import { useEffect, useState, type FormEvent } from 'react';
import { Button, FieldError, Form, Input, Label, TextField } from 'react-aria-components';
import { Navigate, useSearchParams } from 'react-router';
import { messageOf } from '../api';
import { safeNext } from '../navigation';
import { useSession } from '../session';

export function SignInScreen() {
  const { state, signIn } = useSession();
  const [params] = useSearchParams();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState(false);
  useEffect(() => {
    document.title = 'Sign in — Datamingle';
  }, []);

  if (state.status === 'signed-in') return <Navigate to={safeNext(params.get('next'))} replace />;

  const onSubmit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    setError(null);
    setPending(true);
    signIn(email.trim(), password)
      .catch((err: unknown) => setError(messageOf(err)))
      .finally(() => setPending(false));
  };

  return (
    <main className="sign-in">
      <Form className="card" onSubmit={onSubmit} aria-labelledby="sign-in-title">
        <h1 id="sign-in-title">Sign in</h1>
        {params.get('expired') && !error ? (
          <p className="note" role="status">
            Your session has ended. Sign in again to continue.
          </p>
        ) : null}
        {state.status === 'signed-out' && state.error ? (
          <p className="error" role="alert">
            {state.error}
          </p>
        ) : null}
        <TextField name="email" type="email" isRequired autoComplete="username" value={email} onChange={setEmail} autoFocus>
          <Label>Email</Label>
          <Input />
          <FieldError />
        </TextField>
        <TextField name="password" type="password" isRequired autoComplete="current-password" value={password} onChange={setPassword}>
          <Label>Password</Label>
          <Input />
          <FieldError />
        </TextField>
        {error ? (
          <p className="error" role="alert">
            {error}
          </p>
        ) : null}
        <Button type="submit" className="primary" isPending={pending} isDisabled={state.status === 'loading'}>
          Sign in
        </Button>
      </Form>
    </main>
  );
}
