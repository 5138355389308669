import { describeValue, InputError, type Issue } from '../core/issue.js';
import { allocationPolicies, type AllocationInput } from './allocation-input.js';
import { monthPattern } from './month-label.js';

function isNonNegativeInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** Throws `InputError` (with field paths) if the allocation input is inconsistent. */
export function validateAllocationInput(input: AllocationInput): void {
  const issues: Issue[] = [];
  const bad = (path: string, message: string, expected: string, value: unknown): void => {
    issues.push({ path, message, expected, received: describeValue(value) });
  };
  if (!allocationPolicies.includes(input.policy)) {
    bad('policy', 'unknown allocation policy', allocationPolicies.join(' | '), input.policy);
  }
  const products = new Set<string>();
  input.supply.forEach((s, i) => {
    if (typeof s.product !== 'string' || s.product === '') {
      bad(`supply[${i}].product`, 'product id missing', 'a non-empty string', s.product);
    } else if (products.has(s.product)) {
      bad(`supply[${i}].product`, 'product listed twice', 'each product once', s.product);
    }
    products.add(s.product);
    s.unitsPerMonth.forEach((units, m) => {
      if (!isNonNegativeInteger(units)) {
        bad(`supply[${i}].unitsPerMonth[${m}]`, 'supply must be whole units', 'a non-negative integer', units);
      }
    });
  });
  const names = new Set<string>();
  input.customers.forEach((c, i) => {
    if (typeof c.name !== 'string' || c.name === '') {
      bad(`customers[${i}].name`, 'customer name missing', 'a non-empty string', c.name);
    } else if (names.has(c.name)) {
      bad(`customers[${i}].name`, 'customer listed twice', 'unique names', c.name);
    }
    names.add(c.name);
    if (c.priority !== undefined && !Number.isFinite(c.priority)) {
      bad(`customers[${i}].priority`, 'priority must be a number', 'a finite number (1 = served first)', c.priority);
    }
    c.orders.forEach((o, j) => {
      const at = `customers[${i}].orders[${j}]`;
      if (!products.has(o.product)) {
        bad(`${at}.product`, 'no supply of this product', [...products].join(' | ') || 'a supplied product', o.product);
      }
      if (!isNonNegativeInteger(o.units) || o.units === 0) {
        bad(`${at}.units`, 'order must be whole units', 'a positive integer', o.units);
      }
      if (typeof o.orderedMonth !== 'number' || !Number.isFinite(o.orderedMonth)) {
        bad(`${at}.orderedMonth`, 'order month must be a number', 'a finite month index', o.orderedMonth);
      }
      if (o.earliestMonth !== undefined && !isNonNegativeInteger(o.earliestMonth)) {
        bad(`${at}.earliestMonth`, 'earliest month must be a month index', 'a non-negative integer', o.earliestMonth);
      }
    });
  });
  if (input.horizonMonths !== undefined && (!isNonNegativeInteger(input.horizonMonths) || input.horizonMonths === 0)) {
    bad('horizonMonths', 'horizon must be whole months', 'a positive integer', input.horizonMonths);
  }
  if (input.startMonth !== undefined && !monthPattern.test(input.startMonth)) {
    bad('startMonth', 'start month must be a calendar month', 'YYYY-MM', input.startMonth);
  }
  if (issues.length > 0) throw new InputError(issues);
}
