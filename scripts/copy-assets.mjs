#!/usr/bin/env node
// Copies the server's non-TypeScript runtime files (SQL migrations, the common-password list) from
// apps/server/src to apps/server/dist after `tsc -b`, so the built server finds them next to its modules exactly as
// tsx does under src. Stale copies (a file removed from src) are deleted. Run by `npm run build`.
import { copyFileSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const ASSET = /\.(sql|txt)$/;
const pairs = [[join(root, 'apps/server/src'), join(root, 'apps/server/dist')]];

function walk(dir, out = []) {
  let names;
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (ASSET.test(name)) out.push(p);
  }
  return out;
}

let copied = 0;
for (const [src, dist] of pairs) {
  const wanted = new Set(walk(src).map((f) => relative(src, f)));
  for (const rel of walk(dist).map((f) => relative(dist, f))) {
    if (!wanted.has(rel)) rmSync(join(dist, rel));
  }
  for (const rel of wanted) {
    mkdirSync(dirname(join(dist, rel)), { recursive: true });
    copyFileSync(join(src, rel), join(dist, rel));
    copied++;
  }
}
console.log(`copy-assets: ${copied} file(s) copied to dist`);
