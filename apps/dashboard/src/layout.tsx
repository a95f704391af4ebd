/** The frame of every signed-in screen: navigation, the user's email and Sign out. */
import { useEffect, useRef, useState, type ReactNode } from 'react';
import { Button } from 'react-aria-components';
import { Navigate, NavLink, Outlet, useLocation } from 'react-router';
import { ChangePassword } from './password';
import { useSession, useUser } from './session';
import { ErrorNote } from './ui';

export const NAVIGATION = [
  { to: '/settings/api-keys', label: 'API Keys' },
  { to: '/partners', label: 'Partners' },
  { to: '/integration-logs', label: 'Integration logs' },
  { to: '/security', label: 'Security' },
  { to: '/settings/users', label: 'Users' },
  { to: '/settings/workspace', label: 'Workspace' },
] as const;

/** Renders its children with a session; without one, goes to Sign in and comes back here afterwards. */
export function RequireSession({ children }: { children: ReactNode }) {
  const { state } = useSession();
  const location = useLocation();
  if (state.status === 'loading') {
    return (
      <p className="loading" role="status">
        Loading…
      </p>
    );
  }
  if (state.status === 'signed-out') {
    const next = `${location.pathname}${location.search}`;
    const query = new URLSearchParams({ next });
    if (state.expired) query.set('expired', '1');
    return <Navigate to={`/sign-in?${query.toString()}`} replace />;
  }
  return <>{children}</>;
}

export function Layout() {
  const user = useUser();
  const { signOut } = useSession();
  const [error, setError] = useState<unknown>(null);
  const [pending, setPending] = useState(false);
  const location = useLocation();
  const firstScreen = useRef(true);
  useEffect(() => {
    const current = NAVIGATION.find((n) => location.pathname.startsWith(n.to));
    document.title = `${current ? current.label : 'Dashboard'} — Datamingle`;
    // After moving to another screen, focus its heading so that keyboard and screen-reader users
    // start there (not on the link they left behind); not on the first screen of the visit.
    if (firstScreen.current) firstScreen.current = false;
    else document.getElementById('screen-title')?.focus();
  }, [location.pathname]);
  return (
    <div className="app">
      <header className="top">
        <span className="brand">Datamingle</span>
        <nav aria-label="Main">
          <ul>
            {NAVIGATION.map((item) => (
              <li key={item.to}>
                <NavLink to={item.to}>{item.label}</NavLink>
              </li>
            ))}
          </ul>
        </nav>
        <div className="account">
          <span className="email">
            <span className="visually-hidden">Signed in as </span>
            {user.email}
          </span>
          {user.role === 'viewer' ? <span className="badge">viewer</span> : null}
          <ChangePassword />
          <Button
            isPending={pending}
            onPress={() => {
              setPending(true);
              signOut()
                .catch((e: unknown) => setError(e))
                .finally(() => setPending(false));
            }}
          >
            Sign out
          </Button>
        </div>
      </header>
      <ErrorNote error={error} />
      <main>
        <Outlet />
      </main>
    </div>
  );
}
