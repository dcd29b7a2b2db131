// Numbers, dates and the API's enum values as a person reads them.

const numbers = new Intl.NumberFormat(undefined);
export function number(n) {
  return numbers.format(Number(n ?? 0));
}

// A count a review declared; 0 means no source reported it.
export function declared(n) {
  return n ? number(n) : 'not recorded';
}

// "12 of 35": a part of what a review declared, or the part alone when the
// declared count is not recorded.
export function partOf(part, whole) {
  return whole ? `${number(part)} of ${number(whole)}` : `${number(part)} (declared: not recorded)`;
}

// A google.type.Date ({year, month, day}); day 0 means only the month is
// known, month 0 only the year.
export function date(d) {
  if (!d || !d.year) return '—';
  if (!d.month) return String(d.year);
  const when = new Date(Date.UTC(d.year, d.month - 1, d.day || 1));
  const options = {year: 'numeric', month: 'long', timeZone: 'UTC'};
  if (d.day) options.day = 'numeric';
  return new Intl.DateTimeFormat(undefined, options).format(when);
}

// An RFC 3339 timestamp, in the reader's time zone.
export function timestamp(text) {
  if (!text) return '—';
  return new Intl.DateTimeFormat(undefined, {dateStyle: 'medium', timeStyle: 'medium'})
      .format(new Date(text));
}

let regions;
export function country(code) {
  if (!code) return 'Unknown';
  try {
    regions ??= new Intl.DisplayNames(undefined, {type: 'region'});
    return regions.of(code) ?? code;
  } catch {
    return code;
  }
}

// 'STANCE_COMMITS_TO_COOPERATE' -> 'Commits to cooperate' (the enum's own
// prefix is dropped).
const prefixes = ['MARKET_KIND_', 'INFRINGEMENT_TYPE_', 'STANCE_', 'STAKEHOLDER_TYPE_',
                  'CHANGE_TYPE_', 'MATCH_RULE_', 'MATCH_SCOPE_', 'REVIEW_STATE_', 'CONFIDENCE_', 'CHANNEL_'];
export function label(value) {
  if (!value) return '—';
  let text = String(value);
  for (const prefix of prefixes) {
    if (text.startsWith(prefix)) {
      text = text.slice(prefix.length);
      break;
    }
  }
  text = text.toLowerCase().replaceAll('_', ' ');
  return text.charAt(0).toUpperCase() + text.slice(1);
}

// A KindCompleteness's state in words: 'complete', 'incomplete' or
// 'unknown' (what the API leaves out is unknown too).
export function completeness(c) {
  return {
    COMPLETENESS_COMPLETE: 'complete',
    COMPLETENESS_INCOMPLETE: 'incomplete',
  }[c?.state] ?? 'unknown';
}

// 'markets/aliexpress' -> 'aliexpress'
export function id(name) {
  return String(name ?? '').split('/').pop();
}
