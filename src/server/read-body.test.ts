import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { InputError } from '../core/index.js';
import { HttpError } from './http-error.js';
import { BODY_TYPES, mediaType, parseBodyText } from './read-body.js';

/** The error `fn` throws (the test fails when it throws none). */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (err) {
    return err;
  }
  throw new Error('expected an error');
}

describe('parseBodyText (what the routes and the worker threads parse a body with)', () => {
  it('no content type, or one that is not JSON or YAML: 415 saying which type came and which are expected', () => {
    const none = thrown(() => parseBodyText(undefined, '{}'));
    expect(none).toBeInstanceOf(HttpError);
    expect((none as HttpError).status).toBe(415);
    expect((none as HttpError).message).toBe('the request has no content type');
    expect((none as HttpError).issues).toEqual([{ path: '', message: 'has an unsupported content type', expected: 'application/json or application/yaml', received: 'none' }]);
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data', '']) {
      const err = thrown(() => parseBodyText(type, '{}')) as HttpError;
      expect(err.status).toBe(415);
      expect(err.message).toBe(`unsupported content type ${JSON.stringify(type)}`);
      expect(err.issues).toEqual([{ path: '', message: 'has an unsupported content type', expected: 'application/json or application/yaml', received: JSON.stringify(type) }]);
    }
  });

  it('every accepted type parses; an empty or blank body is a 400 naming what was expected', () => {
    for (const type of BODY_TYPES) {
      expect(parseBodyText(type, '{"a": [1, 2]}').value).toEqual({ a: [1, 2] });
      const err = thrown(() => parseBodyText(type, ' \n\t')) as HttpError;
      expect(err).toBeInstanceOf(HttpError);
      expect(err.status).toBe(400);
      expect(err.message).toBe('the request body is empty');
      expect(err.issues).toEqual([{ path: '', message: 'the body is empty', expected: 'a JSON or YAML document' }]);
    }
  });

  it('YAML keeps its document (file "request body", line numbers); JSON has none', () => {
    const yaml = parseBodyText('application/yaml', 'a: 1\nb:\n  - 2\n');
    expect(yaml.value).toEqual({ a: 1, b: [2] });
    expect(yaml.doc?.file).toBe('request body');
    expect(yaml.doc?.positionOf(['b', 0])?.line).toBe(3);
    expect(parseBodyText('application/json', '{"a": 1}')).toEqual({ value: { a: 1 }, doc: undefined });
  });

  it('malformed JSON is a 400 with the parser\'s reason; YAML is not accepted as JSON', () => {
    for (const text of ['{"a": ', 'a: 1', '{"a": 1,}']) {
      const err = thrown(() => parseBodyText('application/json', text)) as HttpError;
      expect(err.status).toBe(400);
      expect(err.message).toBe('the request body is not valid JSON');
      expect(err.issues).toHaveLength(1);
      expect(err.issues?.[0]?.message).toMatch(/^not valid JSON: \S/);
      expect(err.issues?.[0]?.expected).toBe('a JSON document');
    }
  });

  it('JSON over the document limits: 400 with the limit\'s issue; over the size limit: the issue names the request body', () => {
    const deep = thrown(() => parseBodyText('application/json', '['.repeat(1000) + ']'.repeat(1000))) as HttpError;
    expect(deep).toBeInstanceOf(HttpError);
    expect(deep.status).toBe(400);
    expect(deep.message).toBe('the request body is over the document limits');
    expect(deep.issues?.length).toBeGreaterThan(0);
    expect(deep.issues?.[0]?.message).toMatch(/nest/);
    const big = thrown(() => parseBodyText('application/json', `"${'x'.repeat(16 * 1024 * 1024)}"`));
    expect(big).toBeInstanceOf(InputError);
    expect((big as InputError).issues[0]).toMatchObject({ file: 'request body', message: 'is too large' });
  });
});

describe('mediaType', () => {
  const typeOf = async (headers: Record<string, string>) => {
    const app = new Hono();
    app.get('/', (c) => c.json({ type: mediaType(c) ?? null }));
    return ((await (await app.request('/', { headers })).json()) as { type: string | null }).type;
  };

  it('is lower case, without parameters or spaces; absent when no content type was sent', async () => {
    expect(await typeOf({ 'content-type': ' Application/JSON ; charset=utf-8' })).toBe('application/json');
    expect(await typeOf({ 'content-type': 'TEXT/YAML' })).toBe('text/yaml');
    expect(await typeOf({})).toBe(null);
  });
});
