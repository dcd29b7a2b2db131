// The list over the years: online and physical markets per review (a chart,
// and the same numbers as a table), and the markets of each country.
import * as api from '../api.js';
import {h, pageLink, section, table} from '../dom.js';
import {country, declared, number} from '../format.js';

export async function render() {
  const status = await api.get('/v1/status');
  const reviews = [...(status.reviews ?? [])].sort((a, b) => a.year - b.year);
  const stats = await Promise.all(reviews.map((r) => api.get(`/v1/reviews/${r.year}:stats`)));
  const node = h('div', {},
    h('h1', {tabindex: '-1'}, 'The list over the years'),
    h('p', {class: 'lede'},
      'Declared counts are what each review named, where a source reported them; loaded counts ' +
      'are the listings nml holds with a source. Where they differ, the data is incomplete, not the list.'),
    section('Markets per review', await chart(reviews),
      table('Markets per review, declared and loaded', [
        {label: 'Review', rowHeader: true},
        {label: 'Online declared', numeric: true}, {label: 'Online loaded', numeric: true},
        {label: 'Physical declared', numeric: true}, {label: 'Physical loaded', numeric: true},
      ], reviews.map((r) => [
        pageLink(`/reviews/${r.year}`, String(r.year)),
        declared(r.declaredOnlineCount), number(r.onlineCount),
        declared(r.declaredPhysicalCount), number(r.physicalCount),
      ]))),
    section('By country',
      h('p', {}, 'Counts of the listings loaded. Where a review’s lists are incomplete (declared ' +
        'beside loaded above), the review names more markets than these bars show.'),
      countryBars(reviews, stats), byCountry(reviews, stats)));
  return {title: 'History', node, dataVersion: status.dataVersion};
}

async function chart(reviews) {
  const holder = h('figure', {class: 'chart'});
  const caption = h('figcaption', {}, 'Online and physical markets per review, declared (dashed) and loaded.');
  if (reviews.length === 0) return h('p', {}, 'No review is loaded yet.');
  const {default: uPlot} = await import('../vendor/uPlot.esm.js');
  const plot = h('div', {role: 'img', 'aria-label':
    'Chart of online and physical markets per review; the table below has the same numbers.'});
  holder.append(plot, caption);
  const x = reviews.map((r) => r.year);
  const width = () => Math.max(280, Math.min(900, document.getElementById('main').clientWidth - 32));
  const series = (name, color, dash) => ({label: name, stroke: color, width: 2, dash,
                                          points: {size: 6, fill: color}});
  const u = new uPlot({
    width: width(),
    height: 280,
    scales: {x: {time: false}, y: {range: (_, min, max) => [0, Math.max(10, max + 5)]}},
    axes: [{values: (_, ticks) => ticks.map((t) => (Number.isInteger(t) ? String(t) : ''))}, {}],
    series: [
      {label: 'Review'},
      series('Online declared', '#1d3557', [6, 4]),
      series('Online loaded', '#1d3557'),
      series('Physical declared', '#c1121f', [6, 4]),
      series('Physical loaded', '#c1121f'),
    ],
  }, [
    x,
    reviews.map((r) => r.declaredOnlineCount || null),
    reviews.map((r) => r.onlineCount),
    reviews.map((r) => r.declaredPhysicalCount || null),
    reviews.map((r) => r.physicalCount),
  ], plot);
  new ResizeObserver(() => u.setSize({width: width(), height: 280})).observe(document.getElementById('main'));
  return holder;
}

// Newest review first, and only reviews with listings loaded, so a phone
// shows the years with data.
function byCountry(allReviews, allStats) {
  const kept = allReviews.map((r, i) => [r, allStats[i]])
                   .filter(([, s]) => (s.byCountry ?? []).length > 0).reverse();
  const reviews = kept.map(([r]) => r);
  const stats = kept.map(([, s]) => s);
  const counts = new Map();  // country code -> Map(year -> count)
  stats.forEach((s, i) => {
    for (const c of s.byCountry ?? []) {
      if (!counts.has(c.key)) counts.set(c.key, new Map());
      counts.get(c.key).set(reviews[i].year, c.count);
    }
  });
  const total = (m) => [...m.values()].reduce((a, b) => a + b, 0);
  const rows = [...counts].sort((a, b) => total(b[1]) - total(a[1]) ||
                                          country(a[0]).localeCompare(country(b[0])));
  return table('Loaded listings by the market’s country and review', [
    {label: 'Country', rowHeader: true},
    ...reviews.map((r) => ({label: String(r.year), numeric: true})),
  ], rows.map(([code, years]) => [
    country(code),
    ...reviews.map((r) => (years.has(r.year) ? number(years.get(r.year)) : '–')),
  ]));
}

// Listings loaded per country over all reviews, as horizontal bars (SVG
// built from the data; the table after it has every number).
function countryBars(reviews, stats) {
  const totals = new Map();
  for (const s of stats) {
    for (const c of s.byCountry ?? []) totals.set(c.key, (totals.get(c.key) ?? 0) + c.count);
  }
  const rows = [...totals].filter(([code]) => code).sort((a, b) => b[1] - a[1]).slice(0, 12);
  if (rows.length === 0) return null;
  const max = rows[0][1];
  const svg = 'http://www.w3.org/2000/svg';
  const el = (tag, attrs, text) => {
    const node = document.createElementNS(svg, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, String(v));
    if (text !== undefined) node.textContent = text;
    return node;
  };
  const rowHeight = 24;
  const chart = el('svg', {viewBox: `0 0 600 ${rows.length * rowHeight}`, class: 'bars',
                           role: 'img', 'aria-labelledby': 'country-bars-title'});
  chart.append(el('title', {id: 'country-bars-title'},
    `Listings loaded per country over the reviews ${reviews[0]?.year}–${reviews.at(-1)?.year}: ` +
    rows.map(([code, n]) => `${country(code)} ${n}`).join(', ')));
  rows.forEach(([code, n], i) => {
    const y = i * rowHeight;
    chart.append(el('text', {x: 150, y: y + 16, 'text-anchor': 'end', class: 'bar-label'}, country(code)));
    const width = Math.max(2, (n / max) * 390);
    chart.append(el('rect', {x: 158, y: y + 4, width, height: rowHeight - 8, class: 'bar'}));
    chart.append(el('text', {x: 158 + width + 6, y: y + 16, class: 'bar-value'}, number(n)));
  });
  return h('figure', {class: 'chart'}, chart,
    h('figcaption', {}, 'Listings loaded per country, all reviews together (markets without a country left out).'));
}
