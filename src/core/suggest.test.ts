import { describe, expect, it } from 'vitest';
import { suggestId } from './suggest.js';

const GPUS = ['a100-sxm-80gb', 'h100-sxm', 'h200-sxm', 'h800-sxm', 'b200', 'gb200', 'gb300', 'mi300x'];

describe('suggestId', () => {
  it('prefers the ids the word is the head of, then the closest by edit distance', () => {
    expect(suggestId('h100', GPUS)).toBe('"h100-sxm"');
    expect(suggestId('a100', GPUS)).toBe('"a100-sxm-80gb"');
    expect(suggestId('H200', GPUS)).toBe('"h200-sxm"');
    expect(suggestId('b20', GPUS)).toBe('"b200"');
    expect(suggestId('llama3', ['llama3-8b', 'llama3-70b', 'llama3-405b', 'llama2-7b'])).toBe('"llama3-8b" or "llama3-70b" or "llama3-405b"');
    expect(suggestId('zzzzzzzz', GPUS)).toBeUndefined();
  });
});
