/**
 * The Kustomize overlays render with `kubectl kustomize` and pass deploy/tools/validate-k8s.mjs
 * (kubernetes-models schemas + semantic checks); broken copies prove the validator fails.
 */
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { SERVICE_NAMES, SERVICES } from '@datamingle/contracts';
import { repoRoot, requireTool, run } from './support';

jest.setTimeout(120_000);

const k8sDir = join(repoRoot, 'deploy', 'k8s');
const validator = join(repoRoot, 'deploy', 'tools', 'validate-k8s.mjs');

interface Report {
  ok: boolean;
  errors: string[];
  objects: number;
  networkPolicy: Record<string, { isolated: boolean; external: (number | string)[]; peers: Record<string, (number | string)[]> }>;
}
type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string }; spec?: any; data?: Record<string, string> }; // eslint-disable-line @typescript-eslint/no-explicit-any

function validate(args: string[], input?: string): Report & { status: number | null; stderr: string } {
  const r = run(process.execPath, [validator, ...args], { input });
  let report: Report;
  try {
    report = JSON.parse(r.stdout) as Report;
  } catch {
    throw new Error(`validate-k8s.mjs printed no JSON (exit ${r.status}): ${r.stderr}`);
  }
  return { ...report, status: r.status, stderr: r.stderr };
}

function render(dir: string): K8sObject[] {
  const r = run('kubectl', ['kustomize', dir]);
  if (r.status !== 0) throw new Error(`kubectl kustomize ${dir} failed: ${r.stderr}`);
  return parseAllDocuments(r.stdout).map((d) => d.toJS() as K8sObject);
}

let tmp: string;
beforeAll(() => {
  requireTool('kubectl', ['version', '--client'], 'Install kubectl (e.g. `apt-get install -y --no-install-recommends kubernetes-client`; .ci/run does when it is missing).');
  tmp = mkdtempSync(join(tmpdir(), 'dm-k8s-'));
});
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe.each(['dev', 'prod'])('overlay %s', (overlay) => {
  const dir = join(k8sDir, 'overlays', overlay);
  let objects: K8sObject[];
  beforeAll(() => {
    objects = render(dir);
  });
  const of = (kind: string) => objects.filter((o) => o.kind === kind);

  test('renders and passes validate-k8s.mjs', () => {
    const report = validate([dir]);
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.status).toBe(0);
    expect(report.objects).toBe(objects.length);
  });

  test('network policies: only the gateway is reachable from outside; services only from their callers', () => {
    const { networkPolicy } = validate([dir]);
    expect(networkPolicy).toEqual({
      gateway: { isolated: true, external: [8080], peers: {} },
      orders: { isolated: true, external: [], peers: { gateway: [4001] } },
      catalog: { isolated: true, external: [], peers: { gateway: [4002], orders: [4002], inventory: [4002] } },
      inventory: { isolated: true, external: [], peers: { gateway: [4003] } },
    });
  });

  test('every process has its Deployment, Service, HPA (autoscaling/v2) and PDB (policy/v1); one migration Job', () => {
    for (const name of ['gateway', ...SERVICE_NAMES]) {
      expect(of('Deployment').map((o) => o.metadata.name)).toContain(name);
      expect(of('Service').map((o) => o.metadata.name)).toContain(name);
      expect(of('HorizontalPodAutoscaler').find((o) => o.metadata.name === name)?.apiVersion).toBe('autoscaling/v2');
      expect(of('PodDisruptionBudget').find((o) => o.metadata.name === name)?.apiVersion).toBe('policy/v1');
    }
    const job = of('Job');
    expect(job.map((j) => j.metadata.name)).toEqual(['datamingle-migrate']);
    expect(job[0]!.spec.template.spec.containers[0].args).toEqual(['migrate']);
    for (const d of of('Deployment')) expect(d.spec.template.spec.containers[0].args).toEqual([d.metadata.name]);
    const config = of('ConfigMap').find((c) => c.metadata.name === 'datamingle-config')!;
    expect(config.data).toMatchObject({
      EVENT_STORE: 'eventstoredb',
      ...Object.fromEntries(SERVICE_NAMES.map((s) => [SERVICES[s].urlVariable, `${s}:${SERVICES[s].defaultPort}`])),
    });
  });

  test('overlay specifics (namespace, image, replicas, Secret)', () => {
    const namespaces = new Set(objects.map((o) => o.metadata.namespace));
    const images = new Set([...of('Deployment'), ...of('Job')].map((o) => o.spec.template.spec.containers[0].image as string));
    const minReplicas = of('HorizontalPodAutoscaler').map((h) => h.spec.minReplicas as number);
    const secrets = of('Secret').map((s) => s.metadata.name);
    if (overlay === 'dev') {
      expect([...namespaces]).toEqual(['datamingle-dev']);
      expect([...images]).toEqual(['datamingle:0.1.0']);
      expect(new Set(minReplicas)).toEqual(new Set([1]));
      expect(secrets).toEqual(['datamingle-secrets']);
    } else {
      expect([...namespaces]).toEqual(['datamingle']);
      expect([...images]).toEqual(['registry.example.com/datamingle/datamingle:0.1.0']);
      expect(Math.min(...minReplicas)).toBeGreaterThanOrEqual(3);
      expect(secrets).toEqual([]); // created by the platform team
    }
  });
});

describe('the default deployment (kubectl kustomize deploy/k8s)', () => {
  test('renders the base in namespace datamingle and passes validate-k8s.mjs', () => {
    const objects = render(k8sDir);
    const report = validate([k8sDir]);
    expect(report.errors).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.objects).toBe(objects.length);
    expect(new Set(objects.map((o) => o.metadata.namespace))).toEqual(new Set(['datamingle']));
    for (const kind of ['Deployment', 'Service', 'HorizontalPodAutoscaler', 'PodDisruptionBudget']) {
      expect(objects.filter((o) => o.kind === kind).map((o) => o.metadata.name).sort()).toEqual(['catalog', 'gateway', 'inventory', 'orders']);
    }
    expect(objects.filter((o) => o.kind === 'Job').map((o) => o.metadata.name)).toEqual(['datamingle-migrate']);
    expect(objects.some((o) => o.kind === 'NetworkPolicy')).toBe(true);
    const images = new Set([...objects.filter((o) => o.kind === 'Deployment' || o.kind === 'Job')].map((o) => o.spec.template.spec.containers[0].image as string));
    expect([...images]).toEqual(['datamingle:0.1.0']);
  });
});

describe('kustomizations stay renderable by kubectl 1.20 (kustomize v2.0.3)', () => {
  // Fields kustomize v2.0.3 knows and that render identically with v5 (checked by hand with
  // kubectl 1.20.2 and 1.32.4, see deploy/README.md). Not: patches, labels, replicas,
  // commonLabels/namePrefix (different field specs), generators (different name hashes).
  const allowed = new Set(['apiVersion', 'kind', 'namespace', 'resources', 'bases', 'images', 'patchesStrategicMerge']);
  const kustomizations = (dir: string): string[] =>
    readdirSync(dir).flatMap((e) => {
      const p = join(dir, e);
      return statSync(p).isDirectory() ? kustomizations(p) : e === 'kustomization.yaml' ? [p] : [];
    });

  test.each(kustomizations(k8sDir).map((p) => [p.slice(k8sDir.length + 1)]))('%s', (rel) => {
    const file = join(k8sDir, rel);
    const k = parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
    expect(Object.keys(k).filter((key) => !allowed.has(key))).toEqual([]);
    const base = join(file, '..');
    for (const r of (k['resources'] as string[] | undefined) ?? []) expect(statSync(join(base, r)).isFile()).toBe(true);
    for (const b of (k['bases'] as string[] | undefined) ?? []) expect(existsSync(join(base, b, 'kustomization.yaml'))).toBe(true);
  });
});

describe('the validator fails on broken manifests', () => {
  let prod: K8sObject[];
  beforeAll(() => {
    prod = render(join(k8sDir, 'overlays', 'prod'));
  });
  /** Writes the prod rendering, changed by `mutate`, to a file and validates it. */
  const validateBroken = (name: string, mutate: (objects: K8sObject[]) => void) => {
    const objects = structuredClone(prod);
    mutate(objects);
    const file = join(tmp, `${name}.yaml`);
    writeFileSync(file, objects.map((o) => stringify(o)).join('---\n'));
    return validate(['--file', file]);
  };
  const find = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
  const container = (objects: K8sObject[], kind: string, name: string) => find(objects, kind, name).spec.template.spec.containers[0];

  test('a broken copy of the kustomize tree: replicas "two" is a schema error', () => {
    const copy = join(tmp, 'k8s');
    cpSync(k8sDir, copy, { recursive: true });
    const orders = join(copy, 'base', 'orders.yaml');
    writeFileSync(orders, readFileSync(orders, 'utf8').replace('  revisionHistoryLimit: 5\n', '  replicas: "two"\n  revisionHistoryLimit: 5\n'));
    const report = validate([join(copy, 'overlays', 'prod')]);
    expect(report.ok).toBe(false);
    expect(report.status).toBe(1);
    expect(report.errors).toEqual(['Deployment/orders: schema: data/spec/replicas must be integer']);
  });

  test('missing probes, resources and hardening; latest and untagged images', () => {
    const report = validateBroken('pods', (o) => {
      delete container(o, 'Deployment', 'catalog').readinessProbe;
      delete container(o, 'Deployment', 'orders').resources.limits;
      container(o, 'Deployment', 'gateway').image = 'datamingle:latest';
      container(o, 'Job', 'datamingle-migrate').image = 'datamingle';
      container(o, 'Deployment', 'inventory').securityContext.runAsNonRoot = false;
      delete find(o, 'Deployment', 'inventory').spec.template.spec.securityContext.runAsNonRoot;
      container(o, 'Deployment', 'inventory').securityContext.readOnlyRootFilesystem = false;
      container(o, 'Deployment', 'inventory').livenessProbe.httpGet.port = 'metrics';
    });
    expect(report.ok).toBe(false);
    expect(report.errors).toEqual(
      expect.arrayContaining([
        "Deployment/catalog: container 'catalog': readinessProbe is missing",
        "Deployment/orders: container 'orders': resources.limits.cpu is missing",
        "Deployment/orders: container 'orders': resources.limits.memory is missing",
        "Deployment/gateway: container 'gateway': image 'datamingle:latest' uses the tag 'latest'",
        "Job/datamingle-migrate: container 'migrate': image 'datamingle' has no tag",
        "Deployment/inventory: container 'inventory': runAsNonRoot is not true",
        "Deployment/inventory: container 'inventory': readOnlyRootFilesystem is not true",
        "Deployment/inventory: container 'inventory': livenessProbe uses port 'metrics', which the container does not declare",
      ]),
    );
  });

  test('dangling references: HPA target, PDB and Service selectors, ConfigMap and Secret refs', () => {
    const report = validateBroken('refs', (o) => {
      find(o, 'HorizontalPodAutoscaler', 'inventory').spec.scaleTargetRef.name = 'inventry';
      find(o, 'PodDisruptionBudget', 'orders').spec.selector.matchLabels['app.kubernetes.io/name'] = 'order';
      find(o, 'Service', 'catalog').spec.ports[0].targetPort = 'grpc';
      container(o, 'Deployment', 'orders').envFrom[0].configMapRef.name = 'datamingle-conf';
      container(o, 'Deployment', 'gateway').env[0].valueFrom.secretKeyRef.name = 'db-credentials';
    });
    expect(report.errors).toEqual(
      expect.arrayContaining([
        'HorizontalPodAutoscaler/inventory: scaleTargetRef Deployment/inventry is not a rendered Deployment',
        'PodDisruptionBudget/orders: selector matches no rendered Deployment',
        'Service/catalog: targetPort grpc is not a declared container port of its pods',
        "Deployment/orders: container 'orders' envFrom refers to ConfigMap 'datamingle-conf', which is not rendered",
        "Deployment/gateway: container 'gateway' env DATABASE_URL refers to Secret 'db-credentials', which is neither rendered nor an allowed external Secret (datamingle-secrets)",
      ]),
    );
  });

  test('network policies that expose a service, or no policy at all', () => {
    const report = validateBroken('netpol', (o) => {
      delete find(o, 'NetworkPolicy', 'orders-ingress').spec.ingress[0].from;
      find(o, 'NetworkPolicy', 'inventory-ingress').spec.ingress[0].from.push({ namespaceSelector: {} });
      o.splice(o.indexOf(find(o, 'NetworkPolicy', 'catalog-ingress')), 1);
      o.splice(o.indexOf(find(o, 'NetworkPolicy', 'default-deny-ingress')), 1);
    });
    expect(report.errors).toEqual(
      expect.arrayContaining([
        'Deployment/orders: a NetworkPolicy allows ingress from outside the namespace (ports 4001)',
        'Deployment/inventory: a NetworkPolicy allows ingress from outside the namespace (ports 4003)',
        'Deployment/catalog: no NetworkPolicy isolates its pods: reachable from anywhere',
      ]),
    );
  });

  test('unknown kinds and apiVersions, and YAML from stdin', () => {
    const extra = 'apiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: w\n---\napiVersion: v1\nkind: ConfigMapp\nmetadata:\n  name: c\n';
    const report = validate(['-'], extra);
    expect(report.status).toBe(1);
    expect(report.errors).toEqual(
      expect.arrayContaining(["Widget/w: unknown apiVersion 'example.com/v1'", "ConfigMapp/c: unknown kind 'ConfigMapp' in v1"]),
    );
  });
});
