// A market's dossier: for every review recorded, whether it listed the
// market (listed, not listed, or unknown where nml lacks rows, with the rule
// that decided it), its operator and domains, each year's listing and every
// response about it.
import * as api from '../api.js';
import {h, pageLink, section, sourceLink, table, notAnswered} from '../dom.js';
import {country, date, id, label, number} from '../format.js';

export async function render([market]) {
  const dossier = await api.get(`/v1/markets/${encodeURIComponent(market)}:dossier`);
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
    timeline(history),
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
        l.firstTime === true ? 'Yes' : l.relistedAfterGap ? 'Relisted after a gap'
          : l.firstTime === false ? 'No' : 'Unknown',
        l.consecutiveYearsExact ? number(l.consecutiveYears) : `At least ${number(l.consecutiveYears)}`,
        sourceLink(l.sourceUrl),
      ]))),
    responsesSection(dossier));
  return {
    title: m.displayName, node, dataVersion: history.dataVersion,
    responsesVersion: dossier.stances?.dataVersion,
  };
}

const STATUS_TEXT = {
  LISTING_STATUS_LISTED: 'Listed',
  LISTING_STATUS_NOT_LISTED: 'Not listed',
  LISTING_STATUS_UNKNOWN: 'Unknown',
};
const STATUS_CLASS = {
  LISTING_STATUS_LISTED: 'listed',
  LISTING_STATUS_NOT_LISTED: 'absent',
  LISTING_STATUS_UNKNOWN: 'unknown',
};

// "2013–2020, 2023": runs of consecutive years.
function runs(years) {
  const out = [];
  for (let i = 0; i < years.length;) {
    let j = i;
    while (j + 1 < years.length && years[j + 1] === years[j] + 1) j++;
    out.push(i === j ? `${years[i]}` : `${years[i]}–${years[j]}`);
    i = j + 1;
  }
  return out.join(', ');
}

function listedSummary(history) {
  const statuses = history.reviewStatuses ?? [];
  const of = (s) => statuses.filter((r) => r.status === s).map((r) => r.year);
  const listed = of('LISTING_STATUS_LISTED');
  const unknown = of('LISTING_STATUS_UNKNOWN');
  const parts = [listed.length === 0
    ? 'No review recorded here lists it.'
    : `Listed in ${number(listed.length)} review${listed.length === 1 ? '' : 's'}: ${runs(listed)}.`];
  if (unknown.length > 0) {
    parts.push(` Unknown for ${runs(unknown)}: nml does not hold every market of those reviews.`);
  }
  return parts.join('');
}

function timeline(history) {
  const statuses = history.reviewStatuses ?? [];
  return section('Timeline',
    h('ol', {class: 'timeline', 'aria-label': 'Reviews recorded, oldest first'},
      statuses.map((s) => h('li', {class: STATUS_CLASS[s.status] ?? 'unknown', title: s.reason},
        pageLink(`/reviews/${s.year}`, String(s.year)),
        h('span', {}, STATUS_TEXT[s.status] ?? 'Unknown')))),
    h('details', {},
      h('summary', {}, 'Why each year reads as it does'),
      h('ul', {class: 'compact'}, statuses.map((s) =>
        h('li', {}, `${s.year}: ${STATUS_TEXT[s.status] ?? 'Unknown'} — ${s.reason}`)))));
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
