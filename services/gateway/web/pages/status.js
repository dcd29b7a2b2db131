// What the data holds: its version and when it last changed, and for each
// review what is still missing.
import * as api from '../api.js';
import {h, pageLink, section, table} from '../dom.js';
import {completeness, number, timestamp} from '../format.js';

export async function render() {
  const status = await api.get('/v1/status');
  const reviews = status.reviews ?? [];
  const node = h('div', {},
    h('h1', {tabindex: '-1'}, 'Data status'),
    section('The data',
      h('dl', {class: 'facts'},
        h('dt', {}, 'Data version'), h('dd', {}, String(status.dataVersion)),
        h('dt', {}, 'Last import'), h('dd', {}, timestamp(status.lastImportTime)),
        h('dt', {}, 'Served since'), h('dd', {}, timestamp(status.snapshotTime)),
        h('dt', {}, 'Markets'), h('dd', {}, number(status.marketCount)),
        h('dt', {}, 'Operators'), h('dd', {}, number(status.operatorCount)),
        h('dt', {}, 'Listings'), h('dd', {}, number(status.listingCount)))),
    section('What is missing',
      table('Listings each review declared that nml does not hold yet', [
        {label: 'Review', rowHeader: true},
        {label: 'Online missing', numeric: true}, {label: 'Physical missing', numeric: true},
        {label: 'State'},
      ], reviews.map((r) => [
        pageLink(`/reviews/${r.year}`, `${r.year} review`),
        missingOf(r.missingOnlineCount, r.declaredOnlineCount),
        missingOf(r.missingPhysicalCount, r.declaredPhysicalCount),
        r.complete ? 'Complete'
          : `Online ${completeness(r.onlineCompleteness)}, physical ${completeness(r.physicalCompleteness)}`,
      ]))));
  return {title: 'Data status', node, dataVersion: status.dataVersion};
}

// What is missing can only be known against a declared count.
function missingOf(missing, declared) {
  return declared ? `${number(missing)} of ${number(declared)}` : 'Unknown (declared: not recorded)';
}
