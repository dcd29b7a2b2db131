// One review: declared and loaded counts, its listings (filtered and sorted
// through the address, so a view can be shared), what changed from the
// previous review, the stakeholders' stances and the sources.
import * as api from '../api.js';
import {h, pageLink, section, sourceLink, table, tableRow, notAnswered} from '../dom.js';
import {completeness, country, date, declared, id, label, number} from '../format.js';
import {navigate} from '../nav.js';

const columns = [
  {key: 'market', label: 'Market', rowHeader: true, value: (r) => r.marketDisplayName.toLowerCase()},
  {key: 'kind', label: 'Kind', value: (r) => r.marketKind},
  {key: 'country', label: 'Country', value: (r) => country(r.countryCode)},
  {key: 'infringement', label: 'Infringement', value: (r) => r.infringementTypes.join()},
  {key: 'first', label: 'First time', value: (r) => (r.firstTime ? 0 : 1)},
  {key: 'years', label: 'Years in a row', numeric: true, value: (r) => r.consecutiveYears},
  {key: 'source', label: 'Source', value: (r) => r.sourceUrl},
];

export async function render([year], url) {
  if (!/^\d{4}$/.test(year)) {
    throw Object.assign(new Error(`"${year}" is not a review year.`), {status: 404});
  }
  const [report, listed] = await Promise.all([
    api.get(`/v1/reviews/${year}:report`),
    api.all(`/v1/reviews/${year}/listings`, 'listings'),
  ]);
  const countries = await marketCountries(report, listed.items);
  const rows = listed.items.map((l) => ({
    ...l,
    infringementTypes: l.infringementTypes ?? [],
    countryCode: countries.get(l.market) ?? '',
  }));
  const r = report.review;
  if (!r) {
    throw Object.assign(new Error('The review could not be read just now (a service did not answer).'),
                        {status: 503});
  }
  const node = h('div', {},
    h('h1', {tabindex: '-1'}, r.title || `${year} review`),
    h('p', {class: 'lede'}, `Published ${date(r.publishedOn)}. `, sourceLink(r.sourceUrl, 'Source'),
      r.state === 'REVIEW_STATE_DRAFT' ? ' · still a draft in nml: listings may be missing' : ''),
    counts(r),
    listingsSection(rows, url),
    diffSection(report),
    stancesSection(report),
    sourcesSection(r, rows));
  return {
    title: `${year} review`, node,
    dataVersion: report.stats?.dataVersion ?? listed.dataVersion,
    responsesVersion: report.stances?.dataVersion,
  };
}

// Each listed market's country. The diff against the previous review names
// every market of this one with its country, so usually no further call is
// needed; markets it does not name (in a first review, or when the diff was
// not answered) are read in batches.
async function marketCountries(report, listings) {
  const countries = new Map((report.diff?.changes ?? [])
      .filter((c) => c.change !== 'CHANGE_TYPE_REMOVED')
      .map((c) => [c.market, c.countryCode ?? '']));
  const unknown = listings.map((l) => l.market).filter((m) => !countries.has(m));
  if (unknown.length > 0) {
    for (const [name, market] of await api.markets(unknown)) {
      countries.set(name, market.countryCode ?? '');
    }
  }
  return countries;
}

function counts(r) {
  const row = (kind, loaded, declaredCount, c) => [
    kind, declared(declaredCount), number(loaded),
    `${label(completeness(c))}: ${c?.reason ?? 'not computed'}`,
  ];
  return section('Declared and loaded',
    table(`Markets the review declared and the listings loaded in nml`, [
      {label: 'Kind', rowHeader: true}, {label: 'Declared', numeric: true},
      {label: 'Loaded', numeric: true}, {label: 'Completeness'},
    ], [
      row('Online', r.onlineCount, r.declaredOnlineCount, r.onlineCompleteness),
      row('Physical', r.physicalCount, r.declaredPhysicalCount, r.physicalCompleteness),
    ], {class: 'counts'}));
}

function listingsSection(rows, url) {
  const params = url.searchParams;
  const options = (values) => [...new Set(values)].filter(Boolean).sort();
  const select = (name, text, values, show) =>
    h('label', {}, text, ' ',
      h('select', {name},
        h('option', {value: ''}, 'All'),
        values.map((v) => h('option', {value: v, selected: params.get(name) === v}, show(v)))));
  const form = h('form', {class: 'filters', 'aria-controls': 'listings-table', role: 'search'},
    select('kind', 'Kind', options(rows.map((r) => r.marketKind)), label),
    select('country', 'Country', options(rows.map((r) => r.countryCode)).sort(
      (a, b) => country(a).localeCompare(country(b))), country),
    select('infringement', 'Infringement', options(rows.flatMap((r) => r.infringementTypes)), label),
    h('label', {}, h('input', {type: 'checkbox', name: 'first', value: '1',
                               checked: params.get('first') === '1'}), ' First time only'));
  const summary = h('p', {id: 'listings-count', 'aria-live': 'polite'});
  const body = h('tbody');
  const head = h('tr');
  const tableNode = h('table', {id: 'listings-table'},
    h('caption', {}, 'Listings of this review'), h('thead', {}, head), body);

  const draw = () => {
    const p = new URL(location.href).searchParams;
    const sort = p.get('sort') ?? 'market';
    const descending = sort.startsWith('-');
    const key = sort.replace(/^-/, '');
    const column = columns.find((c) => c.key === key) ?? columns[0];
    const shown = rows.filter((r) =>
      (!p.get('kind') || r.marketKind === p.get('kind')) &&
      (!p.get('country') || r.countryCode === p.get('country')) &&
      (!p.get('infringement') || r.infringementTypes.includes(p.get('infringement'))) &&
      (p.get('first') !== '1' || r.firstTime));
    shown.sort((a, b) => {
      const x = column.value(a), y = column.value(b);
      const order = typeof x === 'number' ? x - y : String(x).localeCompare(String(y));
      return (descending ? -order : order) ||
             a.marketDisplayName.localeCompare(b.marketDisplayName);
    });
    head.replaceChildren(...columns.map((c) => {
      const active = c.key === column.key;
      const next = active && !descending ? `-${c.key}` : c.key;
      return h('th', {scope: 'col', class: c.numeric ? 'num' : null,
                      'aria-sort': active ? (descending ? 'descending' : 'ascending') : null},
        h('button', {type: 'button', 'data-key': c.key,
                     onclick: () => setParam('sort', next, c.key)}, c.label,
          h('span', {class: 'sr-only'}, active ? '' : ', sort'),
          active ? h('span', {'aria-hidden': 'true'}, descending ? ' ▼' : ' ▲') : null));
    }));
    body.replaceChildren(...shown.map((r) => tableRow(columns, [
      pageLink(`/markets/${id(r.market)}`, r.marketDisplayName),
      label(r.marketKind),
      country(r.countryCode),
      r.infringementTypes.map(label).join(', ') || '—',
      r.firstTime === true ? h('strong', {class: 'badge'}, 'First time')
        : r.relistedAfterGap ? 'Relisted' : r.firstTime === false ? 'No' : 'Unknown',
      r.consecutiveYearsExact ? number(r.consecutiveYears) : `At least ${number(r.consecutiveYears)}`,
      sourceLink(r.sourceUrl),
    ])));
    summary.textContent = `${number(shown.length)} of ${number(rows.length)} listings shown.`;
  };
  // `focusKey`: the column whose sort button was pressed; the header is
  // redrawn, so focus goes to its new button, not back to the page's start.
  const setParam = (name, value, focusKey) => {
    const next = new URL(location.href);
    if (value) next.searchParams.set(name, value);
    else next.searchParams.delete(name);
    navigate(next.pathname + next.search, {replace: true, rerender: false});
    draw();
    if (focusKey) head.querySelector(`button[data-key="${focusKey}"]`)?.focus();
  };
  form.addEventListener('change', (e) => {
    const input = e.target;
    setParam(input.name, input.type === 'checkbox' ? (input.checked ? '1' : '') : input.value);
  });
  form.addEventListener('submit', (e) => e.preventDefault());
  draw();
  return section('Listings', form, summary, h('div', {class: 'table-wrap'}, tableNode));
}

function diffSection(report) {
  const down = notAnswered(report.sections, 'diff', 'The changes from the previous review');
  if (down) return section('Changes', down);
  const diff = report.diff;
  if (!diff || !diff.baseYear) {
    return section('Changes', h('p', {}, 'There is no earlier review to compare with.'));
  }
  const groups = ['CHANGE_TYPE_ADDED', 'CHANGE_TYPE_REMOVED', 'CHANGE_TYPE_RELISTED',
                  'CHANGE_TYPE_RETAINED', 'CHANGE_TYPE_NOT_LOADED'];
  const changes = diff.changes ?? [];
  const notLoaded = diff.notLoadedCount ?? 0;
  return section(`Changes since ${diff.baseYear}`,
    notLoaded > 0 ? h('p', {class: 'warning'},
      `${number(notLoaded)} market${notLoaded === 1 ? '' : 's'} in one review have no row in the other, `,
      'whose list of that kind nml does not hold in full: whether they were added, removed or ',
      'retained is unknown (listed under Not loaded, each with the reason).') : null,
    h('div', {class: 'columns'}, groups.map((type) => {
      const items = changes.filter((c) => c.change === type);
      return h('div', {},
        h('h3', {}, `${label(type)} (${number(items.length)})`),
        items.length === 0 ? h('p', {class: 'muted'}, 'None')
          : h('ul', {class: 'compact'}, items.map((c) =>
              h('li', {title: c.reason ?? ''}, pageLink(`/markets/${id(c.market)}`, c.marketDisplayName),
                h('span', {class: 'muted'}, ` · ${label(c.kind)}`,
                  c.countryCode ? `, ${country(c.countryCode)}` : '',
                  type === 'CHANGE_TYPE_NOT_LOADED' ? ` · ${c.reason}` : '')))));
    })));
}

function stancesSection(report) {
  const down = notAnswered(report.sections, 'stances', 'The responses to this review');
  if (down) return section('Responses', down);
  const counts = report.stances?.counts ?? [];
  if (counts.length === 0) {
    return section('Responses', h('p', {}, 'No response to this review is recorded.'));
  }
  return section('Responses',
    h('p', {}, `${number(report.stances.total)} responses from ${number(report.stances.stakeholderCount)} stakeholders. `,
      'Each market’s page lists who said what, with the source.'),
    table('Responses by stance and stakeholder type', [
      {label: 'Stance', rowHeader: true}, {label: 'Stakeholder type'}, {label: 'Responses', numeric: true},
    ], counts.map((c) => [label(c.stance), label(c.stakeholderType), number(c.count)])));
}

function sourcesSection(review, rows) {
  const bySource = new Map();
  for (const r of rows) bySource.set(r.sourceUrl, (bySource.get(r.sourceUrl) ?? 0) + 1);
  return section('Sources',
    h('ul', {},
      h('li', {}, 'The review: ', sourceLink(review.sourceUrl)),
      [...bySource].sort((a, b) => b[1] - a[1]).map(([url, n]) =>
        h('li', {}, sourceLink(url), ` · ${number(n)} listings`))));
}
