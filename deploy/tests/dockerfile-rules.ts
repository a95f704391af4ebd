/**
 * A small Dockerfile reader and the rules the image must follow (no Docker engine is needed).
 */
import { SERVICE_NAMES } from '@datamingle/contracts';

export interface Instruction {
  cmd: string;
  args: string;
}
export interface Stage {
  from: string;
  name: string | null;
  instructions: Instruction[];
}

export function parseDockerfile(text: string): Stage[] {
  const lines = text
    .replace(/\\\r?\n/g, ' ')
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const line of lines) {
    const m = /^(\w+)\s+(.*)$/s.exec(line);
    if (!m) continue;
    const cmd = m[1]!.toUpperCase();
    const args = m[2]!.replace(/\s+/g, ' ').trim();
    if (cmd === 'ARG' && stages.length === 0) {
      const [k, v] = args.split('=');
      if (k && v !== undefined) globalArgs[k] = v.replace(/^"|"$/g, '');
      continue;
    }
    if (cmd === 'FROM') {
      const f = /^(?:--platform=\S+\s+)?(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      const from = (f?.[1] ?? args).replace(/\$\{?(\w+)\}?/g, (_, k: string) => globalArgs[k] ?? `$${k}`);
      stages.push({ from, name: f?.[2] ?? null, instructions: [] });
      continue;
    }
    stages.at(-1)?.instructions.push({ cmd, args });
  }
  return stages;
}

/** Exec-form (JSON array) or shell-form arguments as a list. */
function argv(args: string): string[] {
  try {
    const v: unknown = JSON.parse(args);
    if (Array.isArray(v)) return v.map(String);
  } catch {
    /* shell form */
  }
  return args.split(' ');
}

/** The image's roles: every process (the gateway and each service of the resource registry), the migration and the admin CLI. */
export const ROLES = ['gateway', ...SERVICE_NAMES, 'migrate', 'admin'];

export function dockerfileProblems(text: string): string[] {
  const problems: string[] = [];
  const stages = parseDockerfile(text);
  if (stages.length < 2) problems.push(`not multi-stage (${stages.length} stage)`);
  const final = stages.at(-1);
  if (!final) return ['no FROM'];
  const names = new Set(stages.map((s) => s.name).filter(Boolean));
  for (const s of stages) {
    if (names.has(s.from)) continue;
    const image = s.from;
    const tag = /:([^/:@]+)$/.exec(image)?.[1];
    if (image.includes('$')) problems.push(`FROM ${image}: unresolved variable`);
    else if (!tag && !image.includes('@sha256:')) problems.push(`FROM ${image}: no tag`);
    else if (tag === 'latest') problems.push(`FROM ${image}: tag latest`);
  }
  const finalBase = names.has(final.from) ? (stages.find((s) => s.name === final.from)?.from ?? final.from) : final.from;
  if (/alpine|musl/i.test(finalBase)) problems.push(`final image ${finalBase} is musl-based (the KurrentDB client's native addon needs glibc)`);
  if (!/(bookworm|bullseye|trixie)/.test(finalBase)) problems.push(`final image ${finalBase} is not a Debian (glibc) variant`);
  if (!/^node:\d+\.\d+/.test(finalBase)) problems.push(`final image ${finalBase} does not pin the Node.js minor version`);

  const users = final.instructions.filter((i) => i.cmd === 'USER');
  const user = users.at(-1)?.args;
  if (!user) problems.push('final stage has no USER (runs as root)');
  else if (!/^\d+(:\d+)?$/.test(user)) problems.push(`final USER ${user} is not a numeric uid (runAsNonRoot cannot verify names)`);
  else if (Number(user.split(':')[0]) === 0) problems.push('final USER is root (0)');

  const runs = (s: Stage) => s.instructions.filter((i) => i.cmd === 'RUN').map((i) => i.args);
  const prodStage = stages.find((s) => runs(s).some((r) => /npm ci\b[^&;]*--omit=dev/.test(r)));
  if (!prodStage) problems.push('no stage runs `npm ci --omit=dev`');
  const copies = final.instructions.filter((i) => i.cmd === 'COPY').map((i) => i.args);
  if (prodStage && prodStage !== final && !copies.some((c) => c.includes(`--from=${prodStage.name}`))) problems.push(`final stage does not copy the production dependencies from stage ${prodStage.name}`);
  if (runs(final).some((r) => /npm (ci|install|i)\b/.test(r) && !/--omit=dev/.test(r))) problems.push('final stage installs dependencies including dev ones');
  if (copies.some((c) => /^(--chown=\S+\s+)?\.\s/.test(c))) problems.push('final stage copies the whole build context');
  for (const step of ['manifests', 'dist', 'prune']) {
    if (!stages.some((s) => runs(s).some((r) => r.includes(`layout.cjs ${step}`)))) problems.push(`no stage runs deploy/docker/layout.cjs ${step} (the layout deploy/tools/check-image-layout.mjs reproduces)`);
  }
  const entry = final.instructions.filter((i) => i.cmd === 'ENTRYPOINT').at(-1);
  if (!entry || !argv(entry.args).includes('deploy/docker/entrypoint.cjs')) problems.push('ENTRYPOINT does not run deploy/docker/entrypoint.cjs');
  const cmd = final.instructions.filter((i) => i.cmd === 'CMD').at(-1);
  if (cmd && !ROLES.includes(argv(cmd.args)[0] ?? '')) problems.push(`CMD ${cmd.args} is not a role`);
  return problems;
}
