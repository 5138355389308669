import { formatIssue, type Issue } from '../../src/core/issue.js';
import { h } from './dom.js';

/** The same field-level issues the CLI prints, as a list (one line per issue). */
export function issueList(issues: readonly Issue[], title = 'Invalid input'): HTMLElement {
  return h('div', { class: 'issues', role: 'alert' }, h('strong', {}, title), h('ul', {}, ...issues.map((i) => h('li', {}, formatIssue(i)))));
}
