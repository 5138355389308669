import type { Context } from 'hono';
import { InputError, checkTextSize, checkValueLimits, parseDocumentText, type SourceDocument } from '../core/index.js';
import { HttpError } from './http-error.js';

/** Media types a POST body may have (none of them is one a cross-site form or a no-cors fetch can send). */
export const BODY_TYPES = ['application/json', 'application/yaml', 'application/x-yaml', 'text/yaml'] as const;

/** The media type of a request, lower case, without parameters; `undefined` when none was sent. */
export function mediaType(c: Context): string | undefined {
  const raw = c.req.header('content-type');
  if (raw === undefined) return undefined;
  return (raw.split(';')[0] ?? '').trim().toLowerCase();
}

/**
 * The request body as a parsed document: JSON (`application/json`) or YAML (`application/yaml`,
 * `text/yaml`; issues then carry line and column). Both pass the same document limits as a file
 * the CLI reads (size, nesting, keys, list length). A missing or other content type is a 415,
 * an empty body a 400, malformed input a 400 with an issue.
 */
export async function readBody(c: Context): Promise<{ value: unknown; doc: SourceDocument | undefined }> {
  const type = mediaType(c);
  return parseBodyText(type, await c.req.text());
}

/** `readBody` once the text is in hand (also what a worker thread runs on a forwarded body). */
export function parseBodyText(type: string | undefined, text: string): { value: unknown; doc: SourceDocument | undefined } {
  if (type === undefined || !(BODY_TYPES as readonly string[]).includes(type)) {
    throw new HttpError(415, type === undefined ? 'the request has no content type' : `unsupported content type ${JSON.stringify(type)}`, [
      { path: '', message: 'has an unsupported content type', expected: 'application/json or application/yaml', received: type === undefined ? 'none' : JSON.stringify(type) },
    ]);
  }
  if (text.trim() === '') throw new HttpError(400, 'the request body is empty', [{ path: '', message: 'the body is empty', expected: 'a JSON or YAML document' }]);
  if (type !== 'application/json') {
    const doc = parseDocumentText(text, 'request body');
    return { value: doc.value, doc };
  }
  checkTextSize(text, 'request body');
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch (err) {
    throw new HttpError(400, 'the request body is not valid JSON', [{ path: '', message: `not valid JSON: ${(err as Error).message}`, expected: 'a JSON document' }]);
  }
  try {
    checkValueLimits(value, undefined);
  } catch (err) {
    if (err instanceof InputError) throw new HttpError(400, 'the request body is over the document limits', err.issues);
    throw err;
  }
  return { value, doc: undefined };
}
