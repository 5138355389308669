import { mountCampaign } from './views/campaign.js';
import { mountPlanner } from './views/planner.js';
import { mountValidation } from './views/validation.js';

/** Hash routes: #/planner, #/campaign[/id[,id2]], #/validation. One view mounted at a time. */
const main = document.getElementById('main')!;
let unmount: (() => void) | undefined;

function route(): void {
  const [view = 'planner', arg = ''] = location.hash.replace(/^#\/?/, '').split('/');
  unmount?.();
  const name = ['planner', 'campaign', 'validation'].includes(view) ? view : 'planner';
  for (const a of document.querySelectorAll<HTMLAnchorElement>('nav a')) {
    if (a.dataset['view'] === name) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  document.title = `colossus · ${name}`;
  if (name === 'campaign') unmount = mountCampaign(main, arg ? arg.split(',').map(decodeURIComponent) : []);
  else if (name === 'validation') unmount = mountValidation(main);
  else unmount = mountPlanner(main);
}

window.addEventListener('hashchange', route);
route();
