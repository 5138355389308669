import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bundled validation cases (the same file `colossus validate` reads), from src/server or dist/server. */
export const BUNDLED_CASES_PATH = fileURLToPath(new URL('../../data/validation/public-cases.jsonl', import.meta.url));

/** The built dashboard (`npm run build:web` writes dist/web), from src/server or dist/server; null when not built. */
export function builtDashboardDir(): string | null {
  for (const rel of ['../../dist/web/', '../web/']) {
    const dir = fileURLToPath(new URL(rel, import.meta.url));
    if (existsSync(`${dir}index.html`)) return dir;
  }
  return null;
}
