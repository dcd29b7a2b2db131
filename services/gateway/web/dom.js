// Builds DOM nodes from data without HTML strings, so no text from the data
// can become markup.

// h('a', {href: '/x', class: 'y'}, 'text', child...): attributes whose value
// is null, undefined or false are left out; `true` sets an empty attribute;
// on* keys with a function add an event listener.
export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs ?? {})) {
    if (value === null || value === undefined || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') {
      el.addEventListener(key.slice(2), value);
    } else {
      el.setAttribute(key, value === true ? '' : String(value));
    }
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    if (Array.isArray(child)) append(el, child);
    else el.append(child instanceof Node ? child : String(child));
  }
}

// A link to a page of this site.
export function pageLink(href, text) {
  return h('a', {href}, text);
}

// A link to a source outside the site, named by its host so a reader sees
// where it leads.
export function sourceLink(url, text) {
  if (!url) return h('span', {class: 'muted'}, 'no source');
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return h('span', {}, url);
  }
  // Only the web's own schemes become links (the API checks this too).
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') return h('span', {}, url);
  return h('a', {href: parsed.href, rel: 'noopener noreferrer', class: 'source'},
           text ?? parsed.hostname.replace(/^www\./, ''));
}

// A table with a caption; `columns` are {label, numeric}; `rows` are arrays
// of cells (strings, numbers or nodes).
export function table(caption, columns, rows, attrs = {}) {
  return h('div', {class: 'table-wrap'},
           h('table', attrs, caption ? h('caption', {}, caption) : null,
             h('thead', {},
               h('tr', {},
                 columns.map(
                     (c) => h('th', {scope: 'col', class: c.numeric ? 'num' : null},
                              c.label)))),
             h('tbody', {}, rows.map((row) => tableRow(columns, row)))));
}

export function tableRow(columns, row) {
  return h('tr', {},
           row.map((cell, i) => i === 0 && columns[0].rowHeader
                                    ? h('th', {scope: 'row'}, cell)
                                    : h('td', {class: columns[i]?.numeric ? 'num' : null},
                                        cell)));
}

export function section(title, ...children) {
  const id = title.toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return h('section', {'aria-labelledby': id}, h('h2', {id}, title), children);
}

// Null when the part `name` of a composed answer (a dossier, a report) is
// there, else a notice that it could not be read: a part a backend did not
// answer is shown as missing, never as empty.
export function notAnswered(sections, name, what) {
  const part = (sections ?? []).find((s) => s.section === name);
  if (!part || part.available) return null;
  return h('p', {role: 'status', class: 'warning'},
           `${what} could not be read just now (a service did not answer). Try again shortly.`);
}
