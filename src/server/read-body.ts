import type { Context } from 'hono';
import { parseDocumentText, type SourceDocument } from '../core/index.js';
import { HttpError } from './http-error.js';

/**
 * The request body as a parsed document: JSON (`application/json`, or no content type) or YAML
 * (`application/yaml`, `text/yaml`; issues then carry line and column). Malformed input is a 400
 * with an issue; other content types are a 415. An empty body is a 400, or `undefined` when `optional`.
 */
export async function readBody(c: Context, options: { optional?: boolean } = {}): Promise<{ value: unknown; doc: SourceDocument | undefined }> {
  const type = (c.req.header('content-type') ?? 'application/json').toLowerCase();
  const text = await c.req.text();
  if (text.trim() === '' && options.optional) return { value: undefined, doc: undefined };
  if (text.trim() === '') throw new HttpError(400, 'the request body is empty', [{ path: '', message: 'the body is empty', expected: 'a JSON document' }]);
  if (type.includes('yaml')) {
    const doc = parseDocumentText(text, 'request body');
    return { value: doc.value, doc };
  }
  if (!type.includes('json')) {
    throw new HttpError(415, `unsupported content type ${JSON.stringify(type)}`, [
      { path: '', message: 'has an unsupported content type', expected: 'application/json or application/yaml', received: JSON.stringify(type) },
    ]);
  }
  try {
    return { value: JSON.parse(text) as unknown, doc: undefined };
  } catch (err) {
    throw new HttpError(400, 'the request body is not valid JSON', [{ path: '', message: `not valid JSON: ${(err as Error).message}`, expected: 'a JSON document' }]);
  }
}
