// The reviews recorded, newest first, with how much of each is loaded.
import {get} from '../api.js';
import {h, pageLink, section, table} from '../dom.js';
import {completeness, date, number, partOf} from '../format.js';

export async function render() {
  const status = await get('/v1/status');
  const reviews = status.reviews ?? [];
  const node = h('div', {},
    h('h1', {tabindex: '-1'}, 'Notorious Markets Lists'),
    h('p', {class: 'lede'},
      'Each year since 2011 the US Trade Representative names online and physical markets ' +
      'reported to engage in or facilitate counterfeiting or piracy. Choose a review to see ' +
      'its markets, what changed from the year before and who responded.'),
    section('Reviews', reviews.length === 0
      ? h('p', {}, 'No review is loaded yet.')
      : table('Reviews recorded, with listings loaded of those the review declared', [
          {label: 'Review', rowHeader: true}, {label: 'Published'},
          {label: 'Online (loaded of declared)', numeric: true},
          {label: 'Physical (loaded of declared)', numeric: true}, {label: 'Complete'},
        ], reviews.map((r) => [
          pageLink(`/reviews/${r.year}`, `${r.year} review`),
          date(r.publishedOn),
          partOf(r.onlineCount, r.declaredOnlineCount),
          partOf(r.physicalCount, r.declaredPhysicalCount),
          reviewCompleteness(r),
        ]))));
  return {title: 'Reviews', node, dataVersion: status.dataVersion};
}

// Each kind's completeness in words: a missing row is not an absent market.
function reviewCompleteness(r) {
  if (r.complete) return 'Yes';
  const kind = (word, c) => `${word} ${completeness(c)}`;
  const missing = r.missingOnlineCount + r.missingPhysicalCount;
  return `No: ${kind('online', r.onlineCompleteness)}, ${kind('physical', r.physicalCompleteness)}` +
    (missing ? ` (${number(missing)} missing)` : '');
}
