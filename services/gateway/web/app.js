// The web view's router: each address (/reviews/2021, /markets/aliexpress,
// ...) is rendered by a page module from the REST API; links within the site
// and the back button change the page without reloading it.
import {h} from './dom.js';
import {navigate} from './nav.js';
import * as home from './pages/home.js';
import * as review from './pages/review.js';
import * as market from './pages/market.js';
import * as historyPage from './pages/history.js';
import * as screen from './pages/screen.js';
import * as search from './pages/search.js';
import * as status from './pages/status.js';

const routes = [
  [/^\/$/, home],
  [/^\/reviews\/([^/]+)$/, review],
  [/^\/markets\/([^/]+)$/, market],
  [/^\/history$/, historyPage],
  [/^\/screen$/, screen],
  [/^\/search$/, search],
  [/^\/status$/, status],
];

const main = document.getElementById('main');
const version = document.getElementById('data-version');
let rendering = 0;

// Renders the page at location; `focus` moves focus to its heading, as a
// new page would for a screen reader (not on the first load).
async function render(focus) {
  const mine = ++rendering;
  const url = new URL(location.href);
  main.dataset.state = 'loading';
  main.setAttribute('aria-busy', 'true');
  let page;
  try {
    const [module, match] = find(url.pathname);
    page = await module.render(match, url);
  } catch (e) {
    page = {title: e.status === 404 ? 'Not found' : 'Not available', node: failure(e)};
  }
  if (mine !== rendering) return;  // a later navigation won
  main.replaceChildren(page.node);
  document.title = `${page.title} · nml`;
  // The versions a page was read at, to quote or to reproduce it with the
  // API's data_version.
  version.textContent = [
    page.dataVersion ? `Data version ${page.dataVersion}` : '',
    page.responsesVersion ? `responses version ${page.responsesVersion}` : '',
  ].filter(Boolean).join(' · ');
  markCurrent(url.pathname);
  main.dataset.state = page.node.dataset?.error ? 'error' : 'ready';
  main.removeAttribute('aria-busy');
  performance.mark('nml-ready');
  if (focus) main.querySelector('h1')?.focus();
}

function find(pathname) {
  for (const [pattern, module] of routes) {
    const match = pathname.match(pattern);
    if (match) return [module, match.slice(1).map(decodeURIComponent)];
  }
  throw Object.assign(new Error(`There is no page at ${pathname}.`), {status: 404});
}

function failure(e) {
  const node = h('div', {class: 'failure'},
                 h('h1', {tabindex: '-1'}, e.status === 404 ? 'Not found' : 'Something went wrong'),
                 h('p', {role: 'alert'}, e.message),
                 h('p', {}, h('a', {href: '/'}, 'All reviews')));
  node.dataset.error = String(e.status ?? 0);
  return node;
}

function markCurrent(pathname) {
  for (const a of document.querySelectorAll('header nav a')) {
    const href = a.getAttribute('href');
    const current = href === '/' ? pathname === '/' || pathname.startsWith('/reviews/')
                                 : pathname.startsWith(href);
    if (current) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
}

document.addEventListener('click', (event) => {
  if (event.defaultPrevented || event.button !== 0 || event.metaKey ||
      event.ctrlKey || event.shiftKey || event.altKey) {
    return;
  }
  const a = event.target.closest('a[href]');
  if (!a || a.target || a.hasAttribute('download')) return;
  const url = new URL(a.href);
  if (url.origin !== location.origin || url.pathname.startsWith('/v1/') ||
      url.pathname === '/openapi.json' || url.pathname.startsWith('/assets/')) {
    return;
  }
  if (url.pathname === location.pathname && url.search === location.search && url.hash) {
    return;  // an anchor on this page
  }
  event.preventDefault();
  navigate(url.pathname + url.search);
});

window.addEventListener('popstate', () => render(true));
window.addEventListener('nml:navigate', () => render(true));

render(false);
