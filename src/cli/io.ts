import { readFileSync } from 'node:fs';
import { InputError, parseDocumentText, type SourceDocument } from '../core/index.js';
import { applySets, parseSets, type SetOverride } from './overrides.js';

/** Read and parse a YAML/JSON file, or `-` for standard input. Unreadable files are InputErrors. */
export function readDocumentFile(file: string): SourceDocument {
  let text: string;
  try {
    text = file === '-' ? readFileSync(0, 'utf8') : readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : (code ?? 'unreadable');
    throw new InputError([{ path: '', file, message: `cannot read the file: ${why}` }]);
  }
  if (text.trim() === '') throw new InputError([{ path: '', file, message: 'the file is empty', expected: 'a YAML or JSON document' }]);
  return parseDocumentText(text, file);
}

/** Print a value as JSON on stdout. */
export function printJson(value: unknown): void {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

/** Read a document and apply the command's `--set` overrides to it (validated afterwards, like the file). */
export function readDocumentWithSets(file: string, set: readonly string[] | undefined): { doc: SourceDocument; sets: SetOverride[] } {
  const sets = parseSets(set);
  return { doc: applySets(readDocumentFile(file), sets), sets };
}
