import { describe, expect, it } from 'vitest';
import { dateOfDay, daysBetween, isIsoDate } from './calendar.js';

describe('isIsoDate', () => {
  it('accepts real YYYY-MM-DD dates, leap days included', () => {
    for (const d of ['2024-02-29', '2024-06-01', '2000-02-29', '1999-12-31', '2024-01-01']) expect(isIsoDate(d)).toBe(true);
  });
  it('refuses dates that do not exist and other spellings', () => {
    for (const d of ['2023-02-29', '1900-02-29', '2024-13-01', '2024-00-10', '2024-04-31', '2024-6-1', '2024-06', 'x2024-06-01', '2024-06-01x', '', '20240601'])
      expect(isIsoDate(d), d).toBe(false);
  });
});

describe('dateOfDay', () => {
  it('counts whole days from the start date, across months, years and a leap day', () => {
    expect(dateOfDay('2024-06-01', 0)).toBe('2024-06-01');
    expect(dateOfDay('2024-06-01', 1)).toBe('2024-06-02');
    expect(dateOfDay('2024-06-01', 30)).toBe('2024-07-01');
    expect(dateOfDay('2024-02-28', 1)).toBe('2024-02-29');
    expect(dateOfDay('2024-02-28', 2)).toBe('2024-03-01');
    expect(dateOfDay('2024-12-31', 1)).toBe('2025-01-01');
    // xAI's Colossus: 122 days from early May 2024 to early September.
    expect(dateOfDay('2024-05-01', 122)).toBe('2024-08-31');
  });
  it('drops fractions of a day (floor, not round)', () => {
    expect(dateOfDay('2024-06-01', 0.99)).toBe('2024-06-01');
    expect(dateOfDay('2024-06-01', 1.5)).toBe('2024-06-02');
    expect(dateOfDay('2024-06-01', 2.999)).toBe('2024-06-03');
  });
});

describe('daysBetween', () => {
  it('counts whole days between two dates, signed', () => {
    expect(daysBetween('2024-06-01', '2024-06-01')).toBe(0);
    expect(daysBetween('2024-06-01', '2024-06-11')).toBe(10);
    expect(daysBetween('2024-06-11', '2024-06-01')).toBe(-10);
    expect(daysBetween('2024-01-01', '2025-01-01')).toBe(366);
    expect(daysBetween('2023-01-01', '2024-01-01')).toBe(365);
  });
  it('reads YYYY-MM as the first of the month, on either side', () => {
    expect(daysBetween('2024-06', '2024-07')).toBe(30);
    expect(daysBetween('2024-06', '2024-06-15')).toBe(14);
    expect(daysBetween('2024-06-15', '2024-07')).toBe(16);
    expect(daysBetween('2024-02', '2024-03')).toBe(29);
  });
});
