// Goes to a page of this site without reloading: the router (app.js)
// renders it. `replace` keeps the history entry (a filter that narrows the
// same page); `rerender` false only records the address (the page has
// already shown what it names).
export function navigate(href, {replace = false, rerender = true} = {}) {
  if (replace) history.replaceState(null, '', href);
  else history.pushState(null, '', href);
  if (rerender) window.dispatchEvent(new Event('nml:navigate'));
}
