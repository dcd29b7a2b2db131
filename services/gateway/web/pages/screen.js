// Screening: paste URLs or hosts (or load a text file), choose a review or a
// day, and see each answer with the rule that matched. The address holds
// the question (?url=..&review=..), so a result can be shared and reloaded.
import * as api from '../api.js';
import {h, pageLink, section, table} from '../dom.js';
import {date, id, label, number} from '../format.js';
import {navigate} from '../nav.js';

const kMaxItems = 1000;         // ScreenDomains takes at most this many
const kMaxAddressChars = 4000;  // a longer question is not put in the address

export async function render(_, url) {
  const params = url.searchParams;
  const status = await api.get('/v1/status');
  const years = (status.reviews ?? []).map((r) => r.year).sort((a, b) => b - a);
  const urls = params.getAll('url');
  const by = params.get('asOf') ? 'date' : 'review';

  const text = h('textarea', {id: 'screen-urls', name: 'urls', rows: 6, required: true,
                              spellcheck: 'false', 'aria-describedby': 'screen-urls-help'},
                 urls.join('\n'));
  const file = h('input', {type: 'file', id: 'screen-file', accept: '.txt,.csv,text/plain'});
  file.addEventListener('change', async () => {
    const chosen = file.files?.[0];
    if (chosen) text.value = (await chosen.text()).trim();
  });
  const reviewSelect = h('select', {id: 'screen-review', name: 'review', 'aria-label': 'Review'},
    h('option', {value: ''}, 'The latest review'),
    years.map((y) => h('option', {value: y, selected: params.get('review') === String(y)}, `${y} review`)));
  const asOf = h('input', {type: 'date', id: 'screen-date', name: 'asOf', 'aria-label': 'Day',
                          value: params.get('asOf') ?? ''});
  const rollup = h('input', {type: 'checkbox', id: 'screen-rollup', name: 'rollup', value: '1',
                             checked: params.get('rollup') === '1'});
  const radio = (value, text) => h('label', {},
    h('input', {type: 'radio', name: 'by', value, checked: by === value}), ' ', text);
  const output = h('div', {id: 'screen-results'});
  const form = h('form', {class: 'screen-form'},
    h('label', {for: 'screen-urls'}, 'URLs or hosts, one per line'),
    text,
    h('p', {id: 'screen-urls-help', class: 'muted'},
      `Up to ${number(kMaxItems)} at a time; for more, use nmlctl screen --file.`),
    h('label', {for: 'screen-file'}, 'Or load a text file'), file,
    h('fieldset', {},
      h('legend', {}, 'Screen against'),
      radio('review', 'A review'), ' ', reviewSelect,
      h('br'),
      radio('date', 'The list in force on a day'), ' ', asOf),
    h('label', {}, rollup, ' Also match other markets of a listed market’s operator'),
    h('button', {type: 'submit'}, 'Screen'));
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const lines = text.value.split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
    const next = new URLSearchParams();
    for (const line of lines) next.append('url', line);
    const data = new FormData(form);
    if (data.get('by') === 'date' && asOf.value) next.set('asOf', asOf.value);
    else if (reviewSelect.value) next.set('review', reviewSelect.value);
    if (rollup.checked) next.set('rollup', '1');
    if (next.toString().length <= kMaxAddressChars) {
      navigate(`/screen?${next}`);
    } else {
      // Too long to share as an address: answer here, keep the address.
      output.replaceChildren(await answer(lines, next));
    }
  });

  let dataVersion = status.dataVersion;
  if (urls.length) {
    const result = await answer(urls, params);
    dataVersion = result.dataset.version || dataVersion;
    output.append(result);
  }
  const node = h('div', {},
    h('h1', {tabindex: '-1'}, 'Screen URLs against the list'),
    h('p', {class: 'lede'}, 'Each URL’s host is matched against the domains of the markets the review listed.'),
    form, output);
  return {title: 'Screen URLs', node, dataVersion};
}

// Screens `urls` with the options in `params` and returns the results' section.
async function answer(urls, params) {
  if (urls.length > kMaxItems) {
    return h('p', {role: 'alert'}, `${number(urls.length)} lines: at most ${number(kMaxItems)} at a time.`);
  }
  const options = {operatorRollup: params.get('rollup') === '1'};
  const day = params.get('asOf');
  if (day) {
    const [year, month, d] = day.split('-').map(Number);
    options.asOf = {year, month, day: d};
  } else if (params.get('review')) {
    options.reviewYear = Number(params.get('review'));
  }
  let response;
  try {
    response = await api.post('/v1/domains:screen', {items: urls.map((input) => ({input})), options});
  } catch (e) {
    return h('p', {role: 'alert', class: 'warning'}, `Not screened: ${e.message}`);
  }
  const results = response.results ?? [];
  const count = (s) => results.filter((r) => r.status === s).length;
  const listed = count('LISTING_STATUS_LISTED');
  const unknown = count('LISTING_STATUS_UNKNOWN');
  const first = results.find((r) => r.review);
  const node = section('Results',
    h('p', {role: 'status'},
      `${number(listed)} of ${number(results.length)} listed`,
      unknown > 0 ? `, ${number(unknown)} unknown` : '',
      first ? [' in the ', pageLink(`/reviews/${first.reviewYear}`, `${first.reviewYear} review`),
               ` (published ${date(first.reviewPublishedOn)})`] : '', '.'),
    unknown > 0 && first?.onlineCompleteness ? h('p', {class: 'warning'},
      `Unknown means nml has no row for the host while the review’s online list is incomplete `,
      `(${first.onlineCompleteness.reason}): it may belong to a listed market not loaded yet.`) : null,
    table('Each URL and what it matched', [
      {label: 'Input', rowHeader: true}, {label: 'Host'}, {label: 'Result'},
      {label: 'Market'}, {label: 'Rule that decided'},
    ], results.map((r) => {
      const match = (r.matches ?? [])[0];
      return [
        h('span', {class: 'break'}, r.input),
        r.host || '—',
        r.error?.message ? h('span', {class: 'warning'}, `Not screened: ${r.error.message}`)
          : match ? h('strong', {class: 'badge'}, 'Listed')
          : r.status === 'LISTING_STATUS_NOT_LISTED' ? 'Not listed' : h('em', {}, 'Unknown'),
        match ? pageLink(`/markets/${id(match.market)}`, match.marketDisplayName) : '—',
        match ? [label(match.rule), ' ', h('code', {}, match.pattern)] : (r.statusReason || '—'),
      ];
    })));
  node.dataset.version = response.dataVersion ?? '';
  return node;
}
