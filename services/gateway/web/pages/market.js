// A market's dossier: the years it was listed (gaps shown) against every
// review recorded, its operator and domains, each year's listing and every
// response about it.
import * as api from '../api.js';
import {h, pageLink, section, sourceLink, table, notAnswered} from '../dom.js';
import {country, date, id, label, number} from '../format.js';

export async function render([market]) {
  const [dossier, status] = await Promise.all([
    api.get(`/v1/markets/${encodeURIComponent(market)}:dossier`),
    api.get('/v1/status'),
  ]);
  const history = dossier.history;
  const down = notAnswered(dossier.sections, 'history', 'This market');
  if (down) throw Object.assign(new Error(down.textContent), {status: 503});
  if (!history?.market) {
    throw Object.assign(new Error(`No market "${market}" is recorded.`), {status: 404});
  }
  const m = history.market;
  const operator = m.operator
    ? await api.get(`/v1/${m.operator}`).catch(() => null) : null;
  const node = h('div', {},
    h('h1', {tabindex: '-1'}, m.displayName),
    h('p', {class: 'lede'}, [
      label(m.kind), ' market',
      m.city ? ` in ${m.city}, ${country(m.countryCode)}` : m.countryCode ? `, ${country(m.countryCode)}` : '',
      '. ', listedSummary(history),
    ]),
    timeline(history, (status.reviews ?? []).map((r) => r.year)),
    section('About',
      h('dl', {class: 'facts'},
        h('dt', {}, 'Operator'), h('dd', {}, operatorFacts(m, operator)),
        h('dt', {}, 'Domains'), h('dd', {}, (m.domains ?? []).length === 0 ? 'None recorded'
          : h('ul', {class: 'compact'}, m.domains.map((d) => h('li', {}, h('code', {}, d.pattern),
              h('span', {class: 'muted'}, ` · ${label(d.scope)}`))))),
        (m.aliases ?? []).length ? [h('dt', {}, 'Also called'), h('dd', {}, m.aliases.join(', '))] : null)),
    section('Listings',
      table('Each review that listed this market', [
        {label: 'Review', rowHeader: true}, {label: 'Infringement'}, {label: 'First time'},
        {label: 'Years in a row', numeric: true}, {label: 'Source'},
      ], (history.listings ?? []).map((l) => [
        reviewLink(l.name),
        (l.infringementTypes ?? []).map(label).join(', ') || '—',
        l.firstTime ? 'Yes' : l.relistedAfterGap ? 'Relisted after a gap' : 'No',
        number(l.consecutiveYears),
        sourceLink(l.sourceUrl),
      ]))),
    responsesSection(dossier));
  return {
    title: m.displayName, node, dataVersion: history.dataVersion,
    responsesVersion: dossier.stances?.dataVersion,
  };
}

function listedSummary(history) {
  const years = history.yearsListed ?? [];
  if (years.length === 0) return 'Not listed in any review recorded.';
  const periods = (history.periods ?? []).map((p) =>
    p.firstYear === p.lastYear ? `${p.firstYear}` : `${p.firstYear}–${p.lastYear}`);
  return `Listed in ${number(years.length)} review${years.length === 1 ? '' : 's'}: ${periods.join(', ')}.`;
}

function timeline(history, reviewYears) {
  const listed = new Set(history.yearsListed ?? []);
  const years = [...new Set([...reviewYears, ...listed])].sort((a, b) => a - b);
  return section('Timeline',
    h('ol', {class: 'timeline', 'aria-label': 'Reviews recorded, oldest first'},
      years.map((year) => h('li', {class: listed.has(year) ? 'listed' : 'absent'},
        pageLink(`/reviews/${year}`, String(year)),
        h('span', {}, listed.has(year) ? 'Listed' : 'Not listed')))));
}

function responsesSection(dossier) {
  const down = notAnswered(dossier.sections, 'responses', 'The responses about this market');
  if (down) return section('Responses', down);
  const responses = dossier.responses?.responses ?? [];
  if (responses.length === 0) {
    return section('Responses', h('p', {}, 'No response about this market is recorded.'));
  }
  const sorted = [...responses].sort((a, b) =>
    (b.reviewYear - a.reviewYear) || a.stakeholderDisplayName.localeCompare(b.stakeholderDisplayName));
  return section('Responses',
    h('ol', {class: 'responses'}, sorted.map((r) => h('li', {},
      h('article', {},
        h('h3', {}, r.stakeholderDisplayName || id(r.stakeholder)),
        h('p', {class: 'meta'},
          h('strong', {class: `stance stance-${label(r.stance).toLowerCase().replaceAll(' ', '-')}`}, label(r.stance)),
          ` · ${label(r.stakeholderType)} · ${date(r.statedOn)} · on the ${r.reviewYear} review`),
        r.summary ? h('p', {}, r.summary) : null,
        r.quote ? h('blockquote', {}, r.quote) : null,
        (r.commitments ?? []).length
          ? h('p', {}, 'Commitments: ', r.commitments.map(label).join(', ')) : null,
        h('p', {}, 'Source: ', sourceLink(r.sourceUrl)))))));
}

function operatorFacts(market, answer) {
  if (!market.operator) return 'Not recorded';
  const others = (answer?.markets ?? []).filter((name) => name !== market.name);
  return [
    answer?.operator?.displayName ?? id(market.operator),
    others.length === 0 ? null
      : h('span', {}, ', which also runs ',
          others.map((name, i) => [i ? ', ' : '', pageLink(`/markets/${id(name)}`, id(name))])),
  ];
}

// "reviews/2021/listings/aliexpress" -> a link to the 2021 review.
function reviewLink(listingName) {
  const year = listingName.split('/')[1];
  return pageLink(`/reviews/${year}`, `${year} review`);
}
