const datePattern = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True for a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(text: string): boolean {
  const m = datePattern.exec(text);
  if (!m) return false;
  const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
  return d.toISOString().slice(0, 10) === text;
}

/** The date `day` whole days after `startDate` (`YYYY-MM-DD`, UTC); fractions of a day are dropped. */
export function dateOfDay(startDate: string, day: number): string {
  const start = Date.parse(`${startDate}T00:00:00Z`);
  return new Date(start + Math.floor(day) * 86_400_000).toISOString().slice(0, 10);
}

/** Whole days from `from` to `to` (both `YYYY-MM-DD` or `YYYY-MM` = the 1st of the month). */
export function daysBetween(from: string, to: string): number {
  const parse = (s: string): number => Date.parse(`${s.length === 7 ? `${s}-01` : s}T00:00:00Z`);
  return Math.round((parse(to) - parse(from)) / 86_400_000);
}
