import { rmSync } from 'node:fs';
export default async function globalTeardown() {
  const state = globalThis.__DM_PG__;
  if (!state) return;
  globalThis.__DM_PG__ = undefined;
  await state.pg.stop();
  rmSync(state.dir, { recursive: true, force: true });
}
