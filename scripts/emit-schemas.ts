/**
 * Write schemas/<format>.schema.json for every input format from its Valibot schema, for editors
 * (`# yaml-language-server: $schema=../schemas/spec.schema.json`). Run after changing a format:
 *   npx tsx scripts/emit-schemas.ts
 * src/editor-schemas/editor-schemas.test.ts fails while a committed file is stale.
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { INPUT_FORMATS, emittedJsonSchema, schemaFile } from '../src/editor-schemas/index.js';

const root = fileURLToPath(new URL('..', import.meta.url));
for (const format of INPUT_FORMATS) {
  writeFileSync(`${root}${schemaFile(format)}`, emittedJsonSchema(format));
  console.log(`wrote ${schemaFile(format)}`);
}
