/**
 * Test helper (not a test): opens the store at argv[2] and saves one very large run, printing
 * `saving` just before and `saved` after. `kill-writer.test.ts` SIGKILLs it mid-write.
 */
import { openStore } from './open-store.js';

const [path, pointsText] = process.argv.slice(2);
if (path === undefined) throw new Error('usage: _test-save-large-run.ts DB POINTS');
const points = Number(pointsText ?? 1_000_000);
const store = openStore(path);
const timeline = Array.from({ length: points }, (_, day) => ({
  day,
  gpusOnline: { 'h100-sxm': day, 'h200-sxm': day / 2, b200: day / 4 },
}));
process.stdout.write('saving\n');
store.saveRun({ name: 'huge', summary: { points }, timeline });
process.stdout.write('saved\n');
store.close();
