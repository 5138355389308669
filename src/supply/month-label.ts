/** `YYYY-MM` of month index `month` counted from `startMonth` (`YYYY-MM`). */
export function monthLabel(startMonth: string, month: number): string {
  const [yearText, monthText] = startMonth.split('-');
  const absolute = Number(yearText) * 12 + (Number(monthText) - 1) + month;
  const year = Math.floor(absolute / 12);
  const monthOfYear = absolute - year * 12 + 1;
  return `${String(year).padStart(4, '0')}-${String(monthOfYear).padStart(2, '0')}`;
}

export const monthPattern = /^\d{4}-(0[1-9]|1[0-2])$/;
