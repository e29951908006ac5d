/**
 * Offline validation of rendered Kubernetes objects against the Kubernetes API schemas, in two
 * complementary ways (no API server, kubeconform or helm is available offline here):
 * 1. kubernetes-models' generated JSON-schema validators (types, formats, enums, required fields);
 * 2. a strict check of unknown keys: each object is written as a typed object literal
 *    (`const o: IDeployment = {…}`) and type-checked with tsc, whose excess-property check rejects
 *    any misspelt or misplaced field at every depth (kubernetes-models' validators accept them).
 * Custom resources (ServiceMonitor, CloudNativePG) have no schema here and are checked field by
 * field in the tests instead.
 */
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { K8sObject } from './k8s-render.js';
import { REPO_ROOT, run } from './tools.js';

const MODELS_DIR = join(REPO_ROOT, 'node_modules/kubernetes-models');

/** kubernetes-models module path of a built-in kind (`apps/v1/Deployment`), or undefined for a CRD. */
export function builtInModelPath(o: Pick<K8sObject, 'apiVersion' | 'kind'>): string | undefined {
  const rel = `${o.apiVersion}/${o.kind}`;
  return existsSync(join(MODELS_DIR, `${rel}.mjs`)) ? rel : undefined;
}

type ModelClass = new (data: unknown) => { validate(): void };

/** Runs kubernetes-models' validator on each built-in object; returns "Kind/name: problem" lines. */
export async function schemaErrors(objects: readonly K8sObject[]): Promise<string[]> {
  const errors: string[] = [];
  for (const o of objects) {
    const rel = builtInModelPath(o);
    if (!rel) continue;
    const mod = (await import(join(MODELS_DIR, `${rel}.mjs`))) as Record<string, ModelClass>;
    const Model = mod[o.kind];
    if (!Model) throw new Error(`kubernetes-models/${rel} does not export ${o.kind}`);
    try {
      new Model(o).validate();
    } catch (err) {
      errors.push(`${o.kind}/${o.metadata.name}: ${(err as Error).message}`);
    }
  }
  return errors;
}

/** Type-checks every built-in object as a literal of its kubernetes-models interface. */
export function strictKeyErrors(objects: readonly K8sObject[]): string[] {
  const builtIns = objects.filter((o) => builtInModelPath(o));
  const lines: string[] = [];
  builtIns.forEach((o, i) => {
    const rel = builtInModelPath(o)!;
    lines.push(`// ${o.kind}/${o.metadata.name}`);
    lines.push(`import type { I${o.kind} as T${i} } from 'kubernetes-models/${rel}';`);
    lines.push(`export const o${i}: T${i} = ${JSON.stringify(o, null, 1)};`);
  });
  const dir = mkdtempSync(join(tmpdir(), 'electra-k8s-types-'));
  try {
    writeFileSync(join(dir, 'objects.ts'), `${lines.join('\n')}\n`);
    writeFileSync(
      join(dir, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          strict: true,
          noEmit: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          skipLibCheck: true,
          types: [],
          paths: { 'kubernetes-models/*': [`${MODELS_DIR}/*`] },
        },
        files: ['objects.ts'],
      }),
    );
    const tsc = join(REPO_ROOT, 'node_modules/typescript/bin/tsc');
    const res = run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')]);
    if (res.status === 0) return [];
    // Point each diagnostic at the object it belongs to (the comment line above its literal).
    const src = lines.join('\n').split('\n');
    return res.stdout
      .split('\n')
      .filter((l) => l.includes('error TS'))
      .map((l) => {
        const m = /objects\.ts\((\d+),/.exec(l);
        let owner = '?';
        if (m) {
          for (let n = Number(m[1]) - 1; n >= 0; n--) {
            if (src[n]?.startsWith('// ')) {
              owner = src[n]!.slice(3);
              break;
            }
          }
        }
        return `${owner}: ${l.replace(/^.*error TS\d+: /, '')}`;
      });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
