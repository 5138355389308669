import { toJsonSchema, type ConversionConfig } from '@valibot/to-json-schema';
import type * as v from 'valibot';

/**
 * The JSON Schema (draft-07) of one format's Valibot schema, for editors. Checks that JSON Schema
 * cannot say (finite numbers, rates that must match their times, catalog consistency) are left to
 * colossus; maps (`obj`) refuse unknown fields as the parsers do; a document may name its schema
 * with a `$schema` field at the top.
 */
export function formatJsonSchema(schema: v.GenericSchema, meta: { title: string; description: string }): Record<string, unknown> {
  const config: ConversionConfig = {
    errorMode: 'ignore',
    overrideSchema: ({ valibotSchema, jsonSchema }) =>
      valibotSchema.type === 'object' ? { ...jsonSchema, additionalProperties: false } : undefined,
  };
  const body = toJsonSchema(schema, config) as Record<string, unknown>;
  const { $schema, ...rest } = body;
  const properties = (rest['properties'] ?? {}) as Record<string, unknown>;
  return {
    $schema,
    title: meta.title,
    description: meta.description,
    ...rest,
    properties: { $schema: { type: 'string', description: 'The JSON Schema of this file (for editors).' }, ...properties },
  };
}

/** The text of a format's committed JSON Schema file. */
export function emittedJsonSchema(format: { name: string; title: string; description: string; schema: v.GenericSchema }): string {
  return `${JSON.stringify(formatJsonSchema(format.schema, { title: format.title, description: format.description }), null, 2)}\n`;
}
