// The reviews recorded, newest first, with how much of each is loaded.
import {get} from '../api.js';
import {h, pageLink, section, table} from '../dom.js';
import {date, number, partOf} from '../format.js';

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
          completeness(r),
        ]))));
  return {title: 'Reviews', node, dataVersion: status.dataVersion};
}

function completeness(r) {
  if (r.complete) return 'Yes';
  if (!r.declaredOnlineCount && !r.declaredPhysicalCount) return 'Unknown: no declared counts';
  return `No, ${number(r.missingOnlineCount + r.missingPhysicalCount)} missing`;
}
