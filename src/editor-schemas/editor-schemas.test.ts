import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import AjvModule from 'ajv8';
import { describe, expect, it } from 'vitest';
import { parseDocumentText } from '../core/index.js';
import { parseSpecValue } from '../spec/index.js';
import { INPUT_FORMATS, emittedJsonSchema, schemaFile, type InputFormat } from './index.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** Folders whose files are examples of some input format. */
const EXAMPLE_DIRS = ['examples', 'scenarios', 'calibration/fixtures'];
const exampleFiles = EXAMPLE_DIRS.flatMap((d) => readdirSync(`${ROOT}${d}`).filter((f) => /\.(ya?ml|json)$/.test(f)).map((f) => `${d}/${f}`));

function jsonSchemaOf(format: InputFormat): Record<string, unknown> {
  return JSON.parse(readFileSync(`${ROOT}${schemaFile(format)}`, 'utf8')) as Record<string, unknown>;
}

function compile(format: InputFormat) {
  return new AjvModule.default({ allErrors: true, strict: false }).compile(jsonSchemaOf(format));
}

describe('editor JSON Schemas (schemas/*.schema.json)', () => {
  it('every spec example, scenario and calibration fixture is an example of exactly one format', () => {
    for (const file of exampleFiles) {
      expect(INPUT_FORMATS.filter((f) => f.examples(file)).map((f) => f.name), file).toHaveLength(1);
    }
  });

  for (const format of INPUT_FORMATS) {
    describe(format.name, () => {
      it('is the one scripts/emit-schemas.ts writes from the Valibot schema (else run `npx tsx scripts/emit-schemas.ts`)', () => {
        expect(readFileSync(`${ROOT}${schemaFile(format)}`, 'utf8')).toBe(emittedJsonSchema(format));
      });

      const files = exampleFiles.filter(format.examples);
      it('has examples in the repository', () => expect(files.length).toBeGreaterThan(0));
      for (const file of files) {
        it(`${file} names its schema, validates against it and parses with colossus`, () => {
          const text = readFileSync(`${ROOT}${file}`, 'utf8');
          if (!file.endsWith('.json')) {
            const depth = file.split('/').length - 1;
            expect(text.split('\n')[0]).toBe(`# yaml-language-server: $schema=${'../'.repeat(depth)}${schemaFile(format)}`);
          }
          const doc = parseDocumentText(text, file);
          const check = compile(format);
          expect(check(doc.value), JSON.stringify(check.errors)).toBe(true);
          expect(format.parse(doc)).toEqual([]);
        });
      }

      it('refuses a misspelt top-level field, as colossus does', () => {
        const file = files[0] as string;
        const doc = parseDocumentText(readFileSync(`${ROOT}${file}`, 'utf8'), file);
        const value = { ...(doc.value as Record<string, unknown>), notAField: 1 };
        expect(compile(format)(value)).toBe(false);
        expect(format.parse(parseDocumentText(JSON.stringify(value), 'x.json')).join('\n')).toMatch(/notAField: is not a known field/);
      });
    });
  }

  it('every spec of the validation cases (data/validation/*.jsonl) validates against the spec schema and parses with colossus', () => {
    const spec = INPUT_FORMATS.find((f) => f.name === 'spec') as InputFormat;
    const check = compile(spec);
    const dir = `${ROOT}data/validation`;
    let n = 0;
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.jsonl'))) {
      for (const line of readFileSync(`${dir}/${file}`, 'utf8').split('\n').filter((l) => l.trim())) {
        const c = JSON.parse(line) as { id: string; spec: unknown };
        expect(check(c.spec), `${file} ${c.id}: ${JSON.stringify(check.errors)}`).toBe(true);
        const r = parseSpecValue(c.spec);
        expect(r.ok ? [] : r.issues.map((i) => `${i.path}: ${i.message}`), `${file} ${c.id}`).toEqual([]);
        n++;
      }
    }
    expect(n).toBeGreaterThan(100);
  });
});
