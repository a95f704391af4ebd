/**
 * What docker-compose.yml must guarantee, checked on the normalized output of
 * `docker-compose config` (so YAML anchors and merges are already resolved).
 */
import { SERVICE_NAMES, SERVICES } from '@datamingle/contracts';

/** Every process: the gateway and each service of the resource registry. */
export const APPS = ['gateway', ...SERVICE_NAMES] as const;
const INFRA = ['postgres', 'kurrentdb', 'kafka'] as const;
/** The only ports published on the host: the gateway (public) and KurrentDB on loopback (contract suite). */
export const PUBLISHED: Record<string, string[]> = { gateway: ['0.0.0.0:8080->8080'], kurrentdb: ['127.0.0.1:2113->2113'] };
const HEALTH_PORTS: Record<(typeof APPS)[number], number> = { gateway: 8080, orders: 4101, catalog: 4102, inventory: 4103 };

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ports in either syntax, as "hostIp:published->target". */
export function publishedPorts(service: Obj): string[] {
  const ports = Array.isArray(service['ports']) ? service['ports'] : [];
  return ports.map((p: unknown) => {
    if (isObj(p)) return `${String(p['host_ip'] ?? '0.0.0.0')}:${String(p['published'])}->${String(p['target'])}`;
    const parts = String(p).replace(/\/(tcp|udp)$/, '').split(':');
    const [ip, published, target] = parts.length === 3 ? parts : parts.length === 2 ? ['0.0.0.0', ...parts] : ['0.0.0.0', '', parts[0]];
    return `${ip}:${published}->${target}`;
  });
}

function environment(service: Obj): Record<string, string> {
  const env = service['environment'];
  if (Array.isArray(env)) return Object.fromEntries(env.map((e) => String(e).split(/=(.*)/s).slice(0, 2)));
  return isObj(env) ? Object.fromEntries(Object.entries(env).map(([k, v]) => [k, String(v)])) : {};
}

function dependsOn(service: Obj): Record<string, string | undefined> {
  const d = service['depends_on'];
  if (Array.isArray(d)) return Object.fromEntries(d.map((n) => [String(n), undefined]));
  return isObj(d) ? Object.fromEntries(Object.entries(d).map(([k, v]) => [k, isObj(v) ? (v['condition'] as string | undefined) : undefined])) : {};
}

function imageVersion(image: unknown): number[] {
  const tag = /:([0-9][^@]*)$/.exec(String(image ?? ''))?.[1] ?? '';
  return tag.split(/[.-]/).slice(0, 2).map(Number);
}

export function composeProblems(config: unknown): string[] {
  const problems: string[] = [];
  if (!isObj(config) || !isObj(config['services'])) return ['no services'];
  if ('name' in config) problems.push('top-level `name:` is not understood by docker-compose v1');
  const services = config['services'] as Record<string, Obj>;
  for (const name of [...APPS, ...INFRA, 'migrate']) if (!isObj(services[name])) problems.push(`service ${name} is missing`);
  if (problems.length) return problems;

  const [kMajor = 0, kMinor = 0] = imageVersion(services['kurrentdb']!['image']);
  if (kMajor < 25 || (kMajor === 25 && kMinor < 1)) problems.push(`kurrentdb: image ${String(services['kurrentdb']!['image'])} is older than 25.1 (multiStreamAppend)`);
  if (imageVersion(services['kafka']!['image'])[0] !== 3) problems.push(`kafka: image ${String(services['kafka']!['image'])} is not a 3.x broker (kafkajs 2.2.4)`);
  for (const name of [...INFRA]) {
    if (!isObj(services[name]!['healthcheck'])) problems.push(`${name}: no healthcheck`);
  }

  const appImage = services['migrate']!['image'];
  const migrate = services['migrate']!;
  if (JSON.stringify(migrate['command']) !== JSON.stringify(['migrate'])) problems.push('migrate: command is not ["migrate"]');
  if (String(migrate['restart'] ?? 'no') !== 'no') problems.push('migrate: must not restart (one-shot)');
  if (dependsOn(migrate)['postgres'] !== 'service_healthy') problems.push('migrate: does not wait for a healthy postgres');

  for (const name of APPS) {
    const s = services[name]!;
    const env = environment(s);
    if (s['image'] !== appImage) problems.push(`${name}: image ${String(s['image'])} differs from migrate's ${String(appImage)}`);
    if (JSON.stringify(s['command']) !== JSON.stringify([name])) problems.push(`${name}: command is not ["${name}"]`);
    if (env['EVENT_STORE'] !== 'eventstoredb') problems.push(`${name}: EVENT_STORE is not eventstoredb`);
    if (!/^kurrentdb:\/\/kurrentdb:2113\b/.test(env['EVENTSTORE_CONNECTION_STRING'] ?? '')) problems.push(`${name}: EVENTSTORE_CONNECTION_STRING does not point at kurrentdb:2113`);
    if (env['KAFKA_BROKERS'] !== 'kafka:9092') problems.push(`${name}: KAFKA_BROKERS is not kafka:9092`);
    if (!/^postgres(ql)?:\/\/[^@]+@postgres:5432\//.test(env['DATABASE_URL'] ?? '')) problems.push(`${name}: DATABASE_URL does not point at postgres:5432`);
    for (const [v, target] of SERVICE_NAMES.map((svc) => [SERVICES[svc].urlVariable, `${svc}:${SERVICES[svc].defaultPort}`] as const)) {
      if (env[v] !== target) problems.push(`${name}: ${v} is not ${target}`);
    }
    const hc = s['healthcheck'];
    const test = isObj(hc) && Array.isArray(hc['test']) ? hc['test'].join(' ') : '';
    if (!test.includes(`:${HEALTH_PORTS[name]}/`)) problems.push(`${name}: healthcheck does not probe port ${HEALTH_PORTS[name]}`);
    if (name !== 'gateway' && env['HEALTH_PORT'] !== undefined && env['HEALTH_PORT'] !== String(HEALTH_PORTS[name])) problems.push(`${name}: HEALTH_PORT differs from the probed port`);
    const deps = dependsOn(s);
    if (deps['migrate'] !== 'service_completed_successfully') problems.push(`${name}: does not wait for migrate to complete successfully`);
    for (const infra of INFRA) if (deps[infra] !== 'service_healthy') problems.push(`${name}: does not wait for a healthy ${infra}`);
    for (const [dep, cond] of Object.entries(deps)) if (!cond) problems.push(`${name}: depends_on ${dep} without a condition`);
  }
  for (const svc of SERVICE_NAMES) {
    if (dependsOn(services['gateway']!)[svc] !== 'service_healthy') problems.push(`gateway: does not wait for a healthy ${svc}`);
  }
  for (const [name, s] of Object.entries(services)) {
    const ports = publishedPorts(s);
    const expected = PUBLISHED[name] ?? [];
    if (JSON.stringify(ports) !== JSON.stringify(expected)) problems.push(`${name}: publishes ${JSON.stringify(ports)}, expected ${JSON.stringify(expected)}`);
  }
  return problems;
}
