// Reads the REST API on this origin. Errors carry the API's own message.

export class ApiError extends Error {
  constructor(status, message) {
    super(message);
    this.status = status;
  }
}

export async function get(path, params = {}) {
  const query = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined || value === null || value === '') continue;
    for (const v of Array.isArray(value) ? value : [value]) query.append(key, v);
  }
  const qs = query.toString();
  return call(qs ? `${path}?${qs}` : path, {});
}

export async function post(path, body) {
  return call(path, {
    method: 'POST',
    headers: {'content-type': 'application/json'},
    body: JSON.stringify(body),
  });
}

async function call(url, init) {
  let response;
  try {
    response = await fetch(url, init);
  } catch (e) {
    throw new ApiError(0, `the gateway did not answer (${e.message})`);
  }
  let body = null;
  try {
    body = await response.json();
  } catch {
    // an answer that is not JSON is reported by its status below
  }
  if (!response.ok) {
    const message = body?.error?.message ?? `${response.status} ${response.statusText}`;
    throw new ApiError(response.status, message);
  }
  return body;
}

// Every item of a paged list (`key` names the repeated field).
export async function all(path, key, params = {}) {
  const items = [];
  let pageToken = '';
  let dataVersion = '';
  do {
    const page = await get(path, {...params, pageSize: 1000, pageToken});
    items.push(...(page[key] ?? []));
    dataVersion = page.dataVersion ?? dataVersion;
    pageToken = page.nextPageToken ?? '';
  } while (pageToken);
  return {items, dataVersion};
}

// Markets by name, in batches that keep each request line short.
export async function markets(names) {
  const unique = [...new Set(names)];
  const batches = [];
  for (let i = 0; i < unique.length; i += 40) batches.push(unique.slice(i, i + 40));
  const answers = await Promise.all(
      batches.map((names) => get('/v1/markets:batchGet', {names})));
  return new Map(answers.flatMap((a) => a.markets ?? []).map((m) => [m.name, m]));
}
