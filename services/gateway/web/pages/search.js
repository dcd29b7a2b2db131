// Search across markets by name, alias or domain, forgiving typos.
import * as api from '../api.js';
import {h, pageLink, section, table} from '../dom.js';
import {country, id, label, number} from '../format.js';
import {navigate} from '../nav.js';

export async function render(_, url) {
  const query = url.searchParams.get('q') ?? '';
  const kind = url.searchParams.get('kind') ?? '';
  const input = h('input', {type: 'search', name: 'q', id: 'search-q', value: query,
                            autocomplete: 'off', spellcheck: 'false', required: true});
  const form = h('form', {action: '/search', method: 'get', role: 'search', class: 'inline-form'},
    h('label', {for: 'search-q'}, 'Market name, alias or domain'), input,
    h('label', {for: 'search-kind'}, 'Kind'),
    h('select', {name: 'kind', id: 'search-kind'},
      h('option', {value: ''}, 'Any'),
      ['MARKET_KIND_ONLINE', 'MARKET_KIND_PHYSICAL'].map((k) =>
        h('option', {value: k, selected: kind === k}, label(k)))),
    h('button', {type: 'submit'}, 'Search'));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    const next = new URLSearchParams(new FormData(form));
    if (!next.get('kind')) next.delete('kind');
    navigate(`/search?${next}`);
  });
  let results = null;
  let dataVersion = '';
  if (query.trim()) {
    const answer = await api.get('/v1/markets:search', {query, kind: kind || undefined, pageSize: 50});
    dataVersion = answer.dataVersion;
    const hits = answer.hits ?? [];
    results = section('Results',
      hits.length === 0 ? h('p', {role: 'status'}, `No market matches “${query}”.`)
        : [h('p', {role: 'status'},
             `${number(hits.length)} ${hits.length === 1 ? 'market matches' : 'markets match'} “${query}”.`),
           table('Markets matching the search, best first', [
             {label: 'Market', rowHeader: true}, {label: 'Matched'}, {label: 'Kind'},
             {label: 'Country'}, {label: 'Score', numeric: true},
           ], hits.map((hit) => [
             pageLink(`/markets/${id(hit.market.name)}`, hit.market.displayName),
             hit.matchedText, label(hit.market.kind), country(hit.market.countryCode),
             number(Math.round(hit.score * 100)) + '%',
           ]))]);
  }
  const node = h('div', {},
    h('h1', {tabindex: '-1'}, 'Search markets'),
    h('p', {class: 'lede'}, 'Spelling need not be exact: “aliexpres” finds AliExpress.'),
    form, results);
  return {title: query ? `Search: ${query}` : 'Search', node, dataVersion};
}
