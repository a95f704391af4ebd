/** Screens whose admin API arrives with a later issue (partners, integration logs). */
import { ScreenHeader } from '../ui';

export function LaterScreen({ title, what }: { title: string; what: string }) {
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title={title} />
      <p className="note">{what} come with a later release of the platform. Until then, keys are pass-through keys (no partner).</p>
    </section>
  );
}
