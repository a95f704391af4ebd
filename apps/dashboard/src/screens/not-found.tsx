import { Link } from 'react-router';
import { ScreenHeader } from '../ui';

export function NotFoundScreen() {
  return (
    <section>
      <ScreenHeader title="Page not found" />
      <p>
        This page does not exist. Go to <Link to="/settings/api-keys">API Keys</Link>.
      </p>
    </section>
  );
}
