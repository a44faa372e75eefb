#!/usr/bin/env node
// Checks every publishable package's shape after build: every path its `exports` map (and
// main/module/types/bin) names exists, `types` comes first in each condition block,
// `sideEffects: false` and `files: ["dist"]`. Exit 1 with one line per problem.
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const packages = ['protocol', 'client', 'server', 'test-server'];
const problems = [];

function walk(pkgDir, name, node, where) {
  if (typeof node === 'string') {
    // The source condition points at src/ for workspace tests; it is not shipped.
    if (where.includes('ackwire-source')) return;
    if (!existsSync(`${pkgDir}/${node}`))
      problems.push(`${name}: ${where} -> ${node} does not exist`);
    return;
  }
  const keys = Object.keys(node);
  if ((keys.includes('import') || keys.includes('require')) === false && keys.includes('types')) {
    if (keys.filter((k) => k !== 'ackwire-source')[0] !== 'types') {
      problems.push(`${name}: ${where}: "types" must come first`);
    }
  }
  for (const k of keys) walk(pkgDir, name, node[k], `${where}.${k}`);
}

for (const p of packages) {
  const dir = `${root}packages/${p}`;
  const pkg = JSON.parse(readFileSync(`${dir}/package.json`, 'utf8'));
  if (pkg.sideEffects !== false) problems.push(`${pkg.name}: sideEffects must be false`);
  if (JSON.stringify(pkg.files) !== '["dist"]')
    problems.push(`${pkg.name}: files must be ["dist"]`);
  for (const field of ['main', 'module', 'types']) {
    if (pkg[field] && !existsSync(`${dir}/${pkg[field]}`)) {
      problems.push(`${pkg.name}: ${field} -> ${pkg[field]} does not exist`);
    }
  }
  for (const [bin, path] of Object.entries(pkg.bin ?? {})) {
    if (!existsSync(`${dir}/${path}`))
      problems.push(`${pkg.name}: bin ${bin} -> ${path} does not exist`);
  }
  walk(dir, pkg.name, pkg.exports, 'exports');
  const dot = pkg.exports['.'];
  for (const cond of ['import', 'require']) {
    if (!dot[cond] || Object.keys(dot[cond])[0] !== 'types') {
      problems.push(`${pkg.name}: exports["."].${cond} must start with "types"`);
    }
  }
}

for (const p of problems) console.error(`exports: ${p}`);
if (problems.length > 0) process.exit(1);
console.log(`exports: ${packages.length} packages, every exported path exists`);
