/**
 * Renders the kustomizations under deploy/k8s with `kubectl kustomize` (offline) and parses the
 * result, so the tests check exactly what `kubectl apply -k` would send to the cluster. The secret
 * kustomizations read an uncommitted env file; they are rendered from a temporary copy that uses the
 * committed `electra.env.example` instead.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { REPO_ROOT, requireCommand, run } from './tools.js';

/** A free-form manifest fragment: the tests narrow what they read with assertions. */
// biome-ignore lint/suspicious/noExplicitAny: manifests are untyped YAML; the schemas are checked separately
export type Loose = any;

export type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
  };
  [key: string]: Loose;
};

export const K8S_DIR = join(REPO_ROOT, 'deploy/k8s');
export const ENVIRONMENTS = ['staging', 'production'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

/** Parses a multi-document YAML string; throws on any YAML error. */
export function parseObjects(text: string, origin: string): K8sObject[] {
  const out: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0) throw new Error(`${origin}: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value = doc.toJS();
    if (value === null || value === undefined) continue;
    // kustomize folds long base64 Secret values over several lines; the API server's base64 decoder
    // ignores the newlines, the JSON-schema "byte" format does not.
    if (value.kind === 'Secret' && value.data) {
      for (const k of Object.keys(value.data)) value.data[k] = String(value.data[k]).replace(/\s+/g, '');
    }
    out.push(value as K8sObject);
  }
  return out;
}

/** `kubectl kustomize DIR`, parsed. */
export function kustomize(dir: string): K8sObject[] {
  requireCommand('kubectl');
  const res = run('kubectl', ['kustomize', dir]);
  if (res.status !== 0) throw new Error(`kubectl kustomize ${dir} failed:\n${res.stderr}`);
  return parseObjects(res.stdout, dir);
}

export function renderOverlay(env: Environment): K8sObject[] {
  return kustomize(join(K8S_DIR, 'overlays', env));
}

/** Renders overlays/ENV/secrets with the committed template standing in for the real env file. */
export function renderSecretsTemplate(env: Environment): K8sObject[] {
  const src = join(K8S_DIR, 'overlays', env, 'secrets');
  const tmp = mkdtempSync(join(tmpdir(), `electra-secrets-${env}-`));
  try {
    cpSync(join(src, 'kustomization.yaml'), join(tmp, 'kustomization.yaml'));
    cpSync(join(src, 'electra.env.example'), join(tmp, 'electra.env'));
    return kustomize(tmp);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

export function readObjects(relPath: string): K8sObject[] {
  return parseObjects(readFileSync(join(REPO_ROOT, relPath), 'utf8'), relPath);
}

export function find(objects: readonly K8sObject[], kind: string, name: string): K8sObject | undefined {
  return objects.find((o) => o.kind === kind && o.metadata.name === name);
}

export function mustFind(objects: readonly K8sObject[], kind: string, name: string): K8sObject {
  const o = find(objects, kind, name);
  if (!o) throw new Error(`${kind}/${name} is missing from the rendered manifests`);
  return o;
}

/** Pod template spec of a workload, or undefined for non-workloads. */
export function podTemplate(
  o: K8sObject,
): { metadata: { labels?: Record<string, string> }; spec: Loose } | undefined {
  if (o.kind === 'Deployment' || o.kind === 'Job') return o.spec?.template;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  return undefined;
}

/** True when every key/value of `selector` is in `labels` (matchLabels semantics). */
export function labelsMatch(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
) {
  if (!selector || Object.keys(selector).length === 0) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

/** matchLabels + matchExpressions (In, NotIn, Exists, DoesNotExist). */
export function selectorMatches(
  sel: {
    matchLabels?: Record<string, string>;
    matchExpressions?: { key: string; operator: string; values?: string[] }[];
  },
  labels: Record<string, string> | undefined,
): boolean {
  const l = labels ?? {};
  const okLabels = Object.entries(sel.matchLabels ?? {}).every(([k, v]) => l[k] === v);
  const okExpr = (sel.matchExpressions ?? []).every((e) => {
    const has = Object.hasOwn(l, e.key);
    switch (e.operator) {
      case 'In':
        return has && (e.values ?? []).includes(l[e.key]!);
      case 'NotIn':
        return !has || !(e.values ?? []).includes(l[e.key]!);
      case 'Exists':
        return has;
      case 'DoesNotExist':
        return !has;
      default:
        throw new Error(`unknown selector operator ${e.operator}`);
    }
  });
  return okLabels && okExpr;
}
