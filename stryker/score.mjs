// Mutation scores from StrykerJS's incremental files (stryker/incremental-*.json, committed), per file
// and per module: (killed + timed out) / (killed + timed out + survived + no coverage); static mutants
// (ignored), compile and runtime errors are left out, as in StrykerJS's own "score based on covered
// code" table. src/model's parts (stryker/incremental-model-<part>.json) are summed into one figure.
//   node stryker/score.mjs                 every module with an incremental file
//   node stryker/score.mjs --files model   and each file of src/model
//   node stryker/score.mjs --json
import { readdirSync, readFileSync } from 'node:fs';
import { URL } from 'node:url';

const args = process.argv.slice(2);
const json = args.includes('--json');
const filesOf = args.includes('--files') ? args[args.indexOf('--files') + 1] : undefined;
const dir = new URL('.', import.meta.url);
const empty = () => ({ killed: 0, timeout: 0, survived: 0, noCoverage: 0 });
const modules = new Map();
const files = new Map();
for (const name of readdirSync(dir).filter((n) => /^incremental-.+\.json$/.test(n)).sort()) {
  const module = name.slice('incremental-'.length, -'.json'.length).split('-')[0];
  const report = JSON.parse(readFileSync(new URL(name, dir), 'utf8'));
  for (const [file, result] of Object.entries(report.files)) {
    if (!modules.has(module)) modules.set(module, { ...empty(), sources: [] });
    const m = modules.get(module);
    if (!m.sources.includes(name)) m.sources.push(name);
    const f = files.get(file) ?? empty();
    files.set(file, f);
    for (const mutant of result.mutants) {
      const key = { Killed: 'killed', Timeout: 'timeout', Survived: 'survived', NoCoverage: 'noCoverage' }[mutant.status];
      if (key === undefined) continue;
      m[key] += 1;
      f[key] += 1;
    }
  }
}
const score = (c) => {
  const scored = c.killed + c.timeout + c.survived + c.noCoverage;
  return { ...c, scored, score: scored === 0 ? null : (c.killed + c.timeout) / scored };
};
const pct = (s) => (s === null ? '—' : `${(100 * s).toFixed(1)}%`);
const rows = [...modules].map(([module, c]) => ({ module, ...score(c) }));
const fileRows = filesOf === undefined ? [] : [...files].filter(([f]) => f.startsWith(`src/${filesOf}/`)).map(([file, c]) => ({ file, ...score(c) })).sort((a, b) => (a.score ?? 0) - (b.score ?? 0));
if (json) {
  process.stdout.write(`${JSON.stringify({ modules: rows, files: fileRows }, null, 2)}\n`);
} else {
  for (const r of rows) console.log(`${r.module.padEnd(10)} ${pct(r.score).padStart(6)}  ${r.scored} scored (${r.killed} killed, ${r.timeout} timed out, ${r.survived} survived, ${r.noCoverage} no coverage)  from ${r.sources.join(', ')}`);
  for (const r of fileRows) console.log(`  ${pct(r.score).padStart(6)} ${String(r.scored).padStart(4)}  ${r.file}`);
}
