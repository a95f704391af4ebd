#!/usr/bin/env node
// Offline validation of rendered Kubernetes manifests (no cluster, no downloaded schemas).
//
//   node deploy/tools/validate-k8s.mjs deploy/k8s/overlays/prod        renders with `kubectl kustomize`
//   kubectl kustomize deploy/k8s/overlays/prod | node deploy/tools/validate-k8s.mjs -
//   node deploy/tools/validate-k8s.mjs --file rendered.yaml
//
// Options: --kubectl BIN (default $KUBECTL or `kubectl`), --external-secret NAME (repeatable;
// Secrets that the platform creates outside the manifests; default datamingle-secrets),
// --public NAME (repeatable; Deployments allowed ingress from outside the namespace; default gateway).
//
// 1. Schema: every document is validated with the kubernetes-models class of its apiVersion/kind
//    (an unknown apiVersion or kind is an error). Note: like the upstream OpenAPI schema, it does
//    not reject unknown fields; the semantic checks below cover the fields that matter.
// 2. Semantics: Deployments have readiness + liveness probes on declared ports, requests and limits,
//    a hardened securityContext and pinned images (Jobs too, probes aside); HPAs target rendered
//    Deployments; PDB and Service selectors match pods (and Service target ports exist); ConfigMap
//    refs resolve to rendered ConfigMaps (keys included), Secret refs to rendered or external
//    Secrets; NetworkPolicies leave only the public Deployments reachable from outside the namespace.
// Prints {ok, errors, objects, networkPolicy} as JSON; exits 1 when there is an error, 2 on usage errors.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const USAGE = 'usage: validate-k8s.mjs <kustomization-dir> | - | --file FILE [--kubectl BIN] [--external-secret NAME]... [--public DEPLOYMENT]...';

function parseArgs(argv) {
  const o = { source: null, kubectl: process.env.KUBECTL || 'kubectl', externalSecrets: [], public: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--file') o.source = { file: value() };
    else if (a === '--kubectl') o.kubectl = value();
    else if (a === '--external-secret') o.externalSecrets.push(value());
    else if (a === '--public') o.public.push(value());
    else if (a === '-') o.source = { stdin: true };
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else if (!o.source) o.source = { dir: a };
    else throw new Error(`unexpected argument ${a}`);
  }
  if (!o.source) throw new Error('nothing to validate');
  if (o.externalSecrets.length === 0) o.externalSecrets.push('datamingle-secrets');
  if (o.public.length === 0) o.public.push('gateway');
  return o;
}

function render(source, kubectl) {
  if (source.file) return readFileSync(source.file, 'utf8');
  if (source.stdin) return readFileSync(0, 'utf8');
  const r = spawnSync(kubectl, ['kustomize', source.dir], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`could not run '${kubectl} kustomize': ${r.error.message}`);
  if (r.status !== 0) throw new Error(`'${kubectl} kustomize ${source.dir}' failed: ${r.stderr.trim()}`);
  return r.stdout;
}

// ---------------------------------------------------------------------------------------------
// Helpers

const errors = [];
const fail = (obj, message) => errors.push(obj ? `${obj.kind}/${obj.metadata?.name ?? '?'}: ${message}` : message);
const nsOf = (obj) => obj.metadata?.namespace ?? '';

function matches(selector, labels) {
  if (!selector) return false;
  labels = labels ?? {};
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    if (e.operator === 'In' && !(has && e.values.includes(labels[e.key]))) return false;
    if (e.operator === 'NotIn' && has && e.values.includes(labels[e.key])) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** Image reference with an explicit tag other than `latest`, or a digest. */
function imageProblem(image) {
  if (!image) return 'has no image';
  if (/@sha256:[0-9a-f]{64}$/.test(image)) return null;
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  if (colon < 0) return `image '${image}' has no tag`;
  if (image.slice(colon + 1) === 'latest') return `image '${image}' uses the tag 'latest'`;
  return null;
}

const podOf = (obj) => (obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : obj.spec?.template);

// ---------------------------------------------------------------------------------------------
// Checks

async function schemaCheck(obj) {
  if (!obj.apiVersion || !obj.kind) return fail(null, `a document has no apiVersion/kind: ${JSON.stringify(obj).slice(0, 120)}`);
  let mod;
  try {
    mod = await import(`kubernetes-models/${obj.apiVersion}`);
  } catch {
    return fail(obj, `unknown apiVersion '${obj.apiVersion}'`);
  }
  const Model = mod[obj.kind];
  if (typeof Model !== 'function') return fail(obj, `unknown kind '${obj.kind}' in ${obj.apiVersion}`);
  try {
    new Model(obj).validate();
  } catch (error) {
    fail(obj, `schema: ${error instanceof Error ? error.message : String(error)}`);
  }
  if (!obj.metadata?.name) fail(obj, 'has no metadata.name');
}

function containerChecks(obj, pod, { probes }) {
  const spec = pod?.spec ?? {};
  const podSc = spec.securityContext ?? {};
  const containers = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
  if (!spec.containers?.length) fail(obj, 'has no containers');
  for (const c of containers) {
    const where = `container '${c.name}'`;
    const sc = c.securityContext ?? {};
    const problem = imageProblem(c.image);
    if (problem) fail(obj, `${where}: ${problem}`);
    const res = c.resources ?? {};
    for (const kind of ['requests', 'limits']) {
      for (const r of ['cpu', 'memory']) if (res[kind]?.[r] === undefined) fail(obj, `${where}: resources.${kind}.${r} is missing`);
    }
    if ((sc.runAsNonRoot ?? podSc.runAsNonRoot) !== true) fail(obj, `${where}: runAsNonRoot is not true`);
    const uid = sc.runAsUser ?? podSc.runAsUser;
    if (uid === undefined) fail(obj, `${where}: runAsUser (numeric) is not set`);
    else if (uid === 0) fail(obj, `${where}: runAsUser is 0 (root)`);
    if (sc.allowPrivilegeEscalation !== false) fail(obj, `${where}: allowPrivilegeEscalation is not false`);
    if (sc.readOnlyRootFilesystem !== true) fail(obj, `${where}: readOnlyRootFilesystem is not true`);
    if (sc.privileged === true) fail(obj, `${where}: privileged`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) fail(obj, `${where}: capabilities.drop does not include ALL`);
    if ((sc.seccompProfile ?? podSc.seccompProfile)?.type !== 'RuntimeDefault') fail(obj, `${where}: seccompProfile is not RuntimeDefault`);
  }
  if (!probes) return;
  for (const c of spec.containers ?? []) {
    const ports = c.ports ?? [];
    for (const p of ['readinessProbe', 'livenessProbe']) {
      const probe = c[p];
      if (!probe) {
        fail(obj, `container '${c.name}': ${p} is missing`);
        continue;
      }
      const port = probe.httpGet?.port ?? probe.tcpSocket?.port ?? probe.grpc?.port;
      if (typeof port === 'string' && !ports.some((x) => x.name === port)) fail(obj, `container '${c.name}': ${p} uses port '${port}', which the container does not declare`);
      if (typeof port === 'number' && !ports.some((x) => x.containerPort === port)) fail(obj, `container '${c.name}': ${p} uses port ${port}, which the container does not declare`);
      if (probe.httpGet && !probe.httpGet.path) fail(obj, `container '${c.name}': ${p} has no path`);
    }
  }
}

function refChecks(obj, pod, index, externalSecrets) {
  const ns = nsOf(obj);
  const spec = pod?.spec ?? {};
  const configMap = (name, key, where) => {
    const cm = index.get(`ConfigMap/${ns}/${name}`);
    if (!cm) return fail(obj, `${where} refers to ConfigMap '${name}', which is not rendered`);
    if (key !== undefined && !Object.prototype.hasOwnProperty.call({ ...cm.data, ...cm.binaryData }, key)) fail(obj, `${where} refers to key '${key}' missing from ConfigMap '${name}'`);
  };
  const secret = (name, key, where) => {
    const s = index.get(`Secret/${ns}/${name}`);
    if (!s) {
      if (!externalSecrets.includes(name)) fail(obj, `${where} refers to Secret '${name}', which is neither rendered nor an allowed external Secret (${externalSecrets.join(', ')})`);
      return;
    }
    if (key !== undefined && !Object.prototype.hasOwnProperty.call({ ...s.data, ...s.stringData }, key)) fail(obj, `${where} refers to key '${key}' missing from Secret '${name}'`);
  };
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    const where = `container '${c.name}'`;
    for (const e of c.envFrom ?? []) {
      if (e.configMapRef && !e.configMapRef.optional) configMap(e.configMapRef.name, undefined, `${where} envFrom`);
      if (e.secretRef && !e.secretRef.optional) secret(e.secretRef.name, undefined, `${where} envFrom`);
    }
    for (const e of c.env ?? []) {
      const cmk = e.valueFrom?.configMapKeyRef;
      const sk = e.valueFrom?.secretKeyRef;
      if (cmk && !cmk.optional) configMap(cmk.name, cmk.key, `${where} env ${e.name}`);
      if (sk && !sk.optional) secret(sk.name, sk.key, `${where} env ${e.name}`);
    }
  }
  for (const v of spec.volumes ?? []) {
    if (v.configMap && !v.configMap.optional) configMap(v.configMap.name, undefined, `volume '${v.name}'`);
    if (v.secret && !v.secret.optional) secret(v.secret.secretName, undefined, `volume '${v.name}'`);
  }
  const sa = spec.serviceAccountName;
  if (sa && sa !== 'default' && !index.get(`ServiceAccount/${ns}/${sa}`)) fail(obj, `serviceAccountName '${sa}' is not rendered`);
}

/** Which Deployments accept ingress from where, from the rendered NetworkPolicies. */
function networkPolicyChecks(objects, deployments, publicNames) {
  const summary = {};
  const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && (o.spec?.policyTypes ?? ['Ingress']).includes('Ingress'));
  for (const d of deployments) {
    const ns = nsOf(d);
    const labels = d.spec?.template?.metadata?.labels ?? {};
    const ports = (d.spec?.template?.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
    const resolvePort = (p) => (p.port === undefined ? '*' : typeof p.port === 'string' ? (ports.find((x) => x.name === p.port)?.containerPort ?? p.port) : p.port);
    const selecting = policies.filter((p) => nsOf(p) === ns && matches(p.spec.podSelector ?? {}, labels));
    const entry = { isolated: selecting.length > 0, external: [], peers: {} };
    if (!entry.isolated) entry.external.push('*');
    for (const p of selecting) {
      for (const rule of p.spec.ingress ?? []) {
        const rulePorts = rule.ports?.length ? rule.ports.map(resolvePort) : ['*'];
        const from = rule.from ?? [];
        if (from.length === 0) entry.external.push(...rulePorts);
        for (const peer of from) {
          if (peer.ipBlock || peer.namespaceSelector) entry.external.push(...rulePorts);
          if (peer.podSelector && !peer.namespaceSelector) {
            for (const src of deployments) {
              if (nsOf(src) === ns && matches(peer.podSelector, src.spec?.template?.metadata?.labels)) {
                (entry.peers[src.metadata.name] ??= []).push(...rulePorts);
              }
            }
          }
        }
      }
    }
    entry.external = [...new Set(entry.external)];
    for (const k of Object.keys(entry.peers)) entry.peers[k] = [...new Set(entry.peers[k])];
    summary[d.metadata.name] = entry;
    const isPublic = publicNames.includes(d.metadata.name);
    if (!isPublic && entry.external.length) {
      fail(d, entry.isolated ? `a NetworkPolicy allows ingress from outside the namespace (ports ${entry.external.join(', ')})` : 'no NetworkPolicy isolates its pods: reachable from anywhere');
    }
    if (isPublic && entry.external.includes('*')) fail(d, 'public, but reachable from outside on every port (restrict the NetworkPolicy to its serving port)');
  }
  return summary;
}

async function validate(text, options) {
  const objects = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) {
      fail(null, `YAML: ${doc.errors[0].message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    if (typeof obj !== 'object' || Array.isArray(obj)) {
      fail(null, `a document is not an object: ${JSON.stringify(obj).slice(0, 80)}`);
      continue;
    }
    objects.push(obj);
  }
  if (objects.length === 0) fail(null, 'no objects rendered');

  const index = new Map();
  for (const obj of objects) {
    await schemaCheck(obj);
    const key = `${obj.kind}/${nsOf(obj)}/${obj.metadata?.name}`;
    if (index.has(key)) fail(obj, 'is defined twice');
    index.set(key, obj);
  }

  const deployments = objects.filter((o) => o.kind === 'Deployment');
  const podLabels = (d) => d.spec?.template?.metadata?.labels ?? {};
  for (const d of deployments) {
    if (!matches(d.spec?.selector, podLabels(d)) || !Object.keys(d.spec?.selector?.matchLabels ?? {}).length) fail(d, 'spec.selector does not match the pod template labels');
    containerChecks(d, d.spec?.template, { probes: true });
    refChecks(d, d.spec?.template, index, options.externalSecrets);
  }
  for (const o of objects.filter((x) => ['Job', 'CronJob', 'StatefulSet', 'DaemonSet'].includes(x.kind))) {
    containerChecks(o, podOf(o), { probes: o.kind === 'StatefulSet' || o.kind === 'DaemonSet' });
    refChecks(o, podOf(o), index, options.externalSecrets);
  }
  const sameNs = (o) => deployments.filter((d) => nsOf(d) === nsOf(o));
  for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const t = h.spec?.scaleTargetRef ?? {};
    if (t.kind !== 'Deployment' || !sameNs(h).some((d) => d.metadata.name === t.name)) fail(h, `scaleTargetRef ${t.kind}/${t.name} is not a rendered Deployment`);
    if (h.spec?.minReplicas !== undefined && h.spec.minReplicas > h.spec.maxReplicas) fail(h, 'minReplicas > maxReplicas');
  }
  for (const p of objects.filter((o) => o.kind === 'PodDisruptionBudget')) {
    if (!sameNs(p).some((d) => matches(p.spec?.selector, podLabels(d)))) fail(p, 'selector matches no rendered Deployment');
  }
  for (const s of objects.filter((o) => o.kind === 'Service' && o.spec?.selector)) {
    const targets = sameNs(s).filter((d) => matches({ matchLabels: s.spec.selector }, podLabels(d)));
    if (targets.length === 0) {
      fail(s, 'selector matches no rendered Deployment');
      continue;
    }
    for (const port of s.spec.ports ?? []) {
      const target = port.targetPort ?? port.port;
      const declared = targets.every((d) =>
        (d.spec.template.spec.containers ?? []).some((c) => (c.ports ?? []).some((x) => (typeof target === 'string' ? x.name === target : x.containerPort === target))),
      );
      if (!declared) fail(s, `targetPort ${target} is not a declared container port of its pods`);
    }
  }
  const networkPolicy = networkPolicyChecks(objects, deployments, options.public);
  return { objects: objects.length, networkPolicy };
}

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  process.stderr.write(`${error.message}\n${USAGE}\n`);
  process.exit(2);
}
let result = { objects: 0, networkPolicy: {} };
try {
  result = await validate(render(options.source, options.kubectl), options);
} catch (error) {
  errors.push(error instanceof Error ? error.message : String(error));
}
process.stdout.write(JSON.stringify({ ok: errors.length === 0, errors, ...result }, null, 2) + '\n');
process.exit(errors.length === 0 ? 0 : 1);
