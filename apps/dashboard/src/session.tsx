/**
 * The signed-in user: found with `GET me/` when the app loads, set by signing in, cleared by
 * signing out or by any request that answers `403 NOT_AUTHENTICATED` (an expired session) —
 * then the screens send the user to Sign in, remembering where they were.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { useQueryClient } from '@tanstack/react-query';
import { currentSession, onSessionChanged, onSessionExpired, setSession, signIn as apiSignIn, signOut as apiSignOut, type User } from './api';

type SessionState = { status: 'loading' } | { status: 'signed-out'; expired: boolean; error?: string } | { status: 'signed-in'; user: User };

interface SessionApi {
  state: SessionState;
  signIn(email: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<SessionApi | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [state, setState] = useState<SessionState>({ status: 'loading' });
  const queryClient = useQueryClient();

  useEffect(() => {
    let cancelled = false;
    currentSession()
      .then((session) => {
        if (cancelled) return;
        setSession(session);
        setState(session ? { status: 'signed-in', user: session.user } : { status: 'signed-out', expired: false });
      })
      .catch((error: unknown) => {
        if (!cancelled) setState({ status: 'signed-out', expired: false, error: error instanceof Error ? error.message : String(error) });
      });
    return () => {
      cancelled = true;
    };
  }, []);

  useEffect(
    () =>
      onSessionExpired(() => {
        setSession(null);
        queryClient.clear();
        setState({ status: 'signed-out', expired: true });
      }),
    [queryClient],
  );

  // Another tab signed in again: this tab now acts in that session (and shows its user).
  useEffect(
    () =>
      onSessionChanged((session) => {
        setState((current) => {
          if (current.status === 'signed-in' && current.user.id !== session.user.id) queryClient.clear();
          return { status: 'signed-in', user: session.user };
        });
      }),
    [queryClient],
  );

  const signIn = useCallback(async (email: string, password: string) => {
    const session = await apiSignIn(email, password);
    setSession(session);
    queryClient.clear();
    setState({ status: 'signed-in', user: session.user });
  }, [queryClient]);

  const signOut = useCallback(async () => {
    try {
      await apiSignOut();
    } finally {
      setSession(null);
      queryClient.clear();
      setState({ status: 'signed-out', expired: false });
    }
  }, [queryClient]);

  const value = useMemo(() => ({ state, signIn, signOut }), [state, signIn, signOut]);
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionApi {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** The signed-in user (inside the signed-in screens only). */
export function useUser(): User {
  const { state } = useSession();
  if (state.status !== 'signed-in') throw new Error('useUser without a session');
  return state.user;
}

/** Whether the signed-in user may change things (admins); viewers see no write controls. */
export function useCanWrite(): boolean {
  return useUser().role === 'admin';
}
