/** Screens whose admin API arrives with a later issue (integration logs). */
import { ScreenHeader } from '../ui';

export function LaterScreen({ title, what, meanwhile }: { title: string; what: string; meanwhile: string }) {
  return (
    <section aria-labelledby="screen-title">
      <ScreenHeader title={title} />
      <p className="note">
        {what} come with a later release of the platform. {meanwhile}
      </p>
    </section>
  );
}
