import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { createBrowserRouter, Navigate, RouterProvider } from 'react-router';
import { ApiError } from './api';
import { HOME } from './navigation';
import { Layout, RequireSession } from './layout';
import { ApiKeysScreen } from './screens/api-keys';
import { IntegrationLogsScreen } from './screens/integration-logs';
import { NotFoundScreen } from './screens/not-found';
import { PartnerScreen, PartnersScreen } from './screens/partners';
import { SecurityScreen } from './screens/security';
import { SignInScreen } from './screens/sign-in';
import { UsersScreen } from './screens/users';
import { WorkspaceScreen } from './screens/workspace';
import { SessionProvider } from './session';
import './styles.css';

const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      // An answer of the API (4xx, 5xx) is shown, not retried; only a lost connection is.
      retry: (failures, error) => error instanceof ApiError && error.status === 0 && failures < 2,
      refetchOnWindowFocus: false,
      staleTime: 5_000,
    },
  },
});

const router = createBrowserRouter(
  [
    { path: '/sign-in', element: <SignInScreen /> },
    {
      path: '/',
      element: (
        <RequireSession>
          <Layout />
        </RequireSession>
      ),
      children: [
        { index: true, element: <Navigate to={HOME} replace /> },
        { path: 'settings', element: <Navigate to={HOME} replace /> },
        { path: 'settings/api-keys', element: <ApiKeysScreen /> },
        { path: 'partners', element: <PartnersScreen /> },
        { path: 'partners/:id', element: <PartnerScreen /> },
        { path: 'integration-logs', element: <IntegrationLogsScreen /> },
        { path: 'security', element: <SecurityScreen /> },
        { path: 'settings/users', element: <UsersScreen /> },
        { path: 'settings/workspace', element: <WorkspaceScreen /> },
        { path: '*', element: <NotFoundScreen /> },
      ],
    },
  ],
  { basename: '/dashboard' },
);

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <SessionProvider>
        <RouterProvider router={router} />
      </SessionProvider>
    </QueryClientProvider>
  </StrictMode>,
);
