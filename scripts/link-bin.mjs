#!/usr/bin/env node
// npm links the bins of a project's dependencies into node_modules/.bin, never the project's own.
// `npm ci` runs this (from `prepare`) so that the README's `./node_modules/.bin/colossus` exists on a
// fresh clone. Idempotent; leaves a foreign file in its place alone.
import { existsSync, lstatSync, mkdirSync, readlinkSync, symlinkSync, unlinkSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const binDir = join(process.argv[2] ?? join(root, 'node_modules'), '.bin');
const target = relative(binDir, join(root, 'bin', 'colossus.js'));
const link = join(binDir, 'colossus');

mkdirSync(binDir, { recursive: true });
let stat;
try {
  stat = lstatSync(link);
} catch {
  stat = undefined;
}
if (stat?.isSymbolicLink() && readlinkSync(link) === target) process.exit(0);
if (stat && !stat.isSymbolicLink()) {
  console.warn(`link-bin: ${link} exists and is not a link; left alone`);
  process.exit(0);
}
if (stat) unlinkSync(link);
symlinkSync(target, link);
if (!existsSync(link)) console.warn(`link-bin: ${link} → ${target} does not resolve`);
