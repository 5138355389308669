import { describe, expect, it } from 'vitest';
import { createRunIdGenerator } from './run-id.js';

describe('createRunIdGenerator', () => {
  it('makes time-based ids with a random suffix', () => {
    const next = createRunIdGenerator({ now: () => Date.UTC(2024, 4, 3, 12, 34, 56, 789) });
    expect(next()).toMatch(/^20240503T123456789Z-[0-9a-f]{8}$/);
  });

  it('strictly increases within a millisecond and when the clock steps back', () => {
    const times = [1000, 1000, 1000, 500, 2000];
    const next = createRunIdGenerator({ now: () => times.shift() ?? 0, suffix: () => 'ffffffff' });
    const ids = Array.from({ length: 5 }, next);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(5);
    expect(ids[3]).toBe('19700101T000001003Z-ffffffff');
  });

  it('is unique across many calls with the default suffix', () => {
    const next = createRunIdGenerator();
    const ids = Array.from({ length: 2000 }, next);
    expect(new Set(ids).size).toBe(2000);
    expect([...ids].sort()).toEqual(ids);
  });
});
