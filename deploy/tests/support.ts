import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { join } from 'node:path';

export const repoRoot = join(__dirname, '..', '..');

export function run(command: string, args: readonly string[], options: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv; timeout?: number } = {}): SpawnSyncReturns<string> {
  return spawnSync(command, [...args], {
    cwd: options.cwd ?? repoRoot,
    input: options.input,
    env: options.env ?? process.env,
    encoding: 'utf8',
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
}

/** Fails (never skips) when a tool the deployment checks need is not on PATH. */
export function requireTool(command: string, versionArgs: readonly string[], installHint: string): void {
  const r = run(command, versionArgs, { timeout: 30_000 });
  if (r.error || r.status !== 0) {
    throw new Error(`'${command}' is required by this test but could not be run (${r.error?.message ?? r.stderr.trim()}). ${installHint}`);
  }
}
