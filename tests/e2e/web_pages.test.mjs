// The web view in a real browser: Debian's chromium driven by puppeteer-core,
// against the running system with data/ loaded (tests/e2e/web_pages_test.cc
// starts it and passes NML_WEB_URL). Checks what a person would see, uses
// the forms, links and back button, runs axe-core on every page, writes
// screenshots at desktop and phone width, and measures each page's load.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdirSync, readFileSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';

import {
  base, clickLink, footerVersion, inPage, load, newPage, phone, profile, ready, rowsOf, text,
  texts, useBrowser,
} from './web_browser.mjs';

const shots = process.env.NML_SCREENSHOT_DIR || join(tmpdir(), 'nml-web-screenshots');
const budgetMs = Number(process.env.NML_PAGE_BUDGET_MS || 300);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

// Every page, by the address a person would share.
const pages = {
  reviews: '/',
  review: '/reviews/2021',
  dossier: '/markets/aliexpress',
  history: '/history',
  screen: '/screen?url=https%3A%2F%2Fwww.aliexpress.com%2Fitem%2F1.html&url=example.org&review=2021',
  search: '/search?q=aliexpres',
  status: '/status',
};

const timings = {};

useBrowser();
before(() => mkdirSync(shots, {recursive: true}));
after(() => {
  writeFileSync(join(shots, 'timings.json'), JSON.stringify(timings, null, 2));
  console.log(`page loads (ms, median of 3): ${JSON.stringify(timings)}`);
  console.log(`screenshots: ${shots}`);
});

describe('every page', () => {
  for (const [name, path] of Object.entries(pages)) {
    test(`${name}: loads fast, has no accessibility problem or console error, screenshots`, async () => {
      const page = await newPage();
      const runs = [];
      for (let i = 0; i < 3; i++) runs.push(await load(page, path));
      runs.sort((a, b) => a - b);
      timings[name] = Math.round(runs[1]);
      assert.ok(runs[1] < budgetMs, `${path} loaded in ${runs[1]} ms (budget ${budgetMs} ms)`);
      await footerVersion(page);

      await page.evaluate(axeSource);
      const result = await page.evaluate(() => axe.run(document, {
        runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']},
      }));
      const serious = result.violations.filter((v) => ['serious', 'critical'].includes(v.impact));
      assert.deepEqual(serious.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(' | ')})`), []);

      await page.screenshot({path: join(shots, `${name}-desktop.png`), fullPage: true});
      await page.setViewport(phone);
      await load(page, path);
      const overflow = await page.evaluate(() =>
        document.documentElement.scrollWidth - document.documentElement.clientWidth);
      assert.ok(overflow <= 0, `${path} fits a phone's width (${overflow} px too wide)`);
      await page.screenshot({path: join(shots, `${name}-phone.png`), fullPage: true});
      assert.deepEqual(page.problems, []);
      await page.close();
    });
  }
});

describe('the 2021 review', () => {
  test('shows 42 online listings loaded of 42, AliExpress and WeChat marked first time', () => inPage(async (page) => {
    await load(page, '/reviews/2021');
    assert.match(await text(page, 'h1'), /2021 Review of Notorious Markets/);
    const counts = await rowsOf(page, 'Markets the review declared and the listings loaded in nml');
    assert.deepEqual(counts[0], ['Online', '42', '42', 'Complete: 42 of 42 online markets loaded']);
    assert.deepEqual(counts[1], ['Physical', '35', '12', 'Incomplete: 12 of 35 physical markets loaded']);

    const listings = await rowsOf(page, 'Listings of this review');
    assert.equal(listings.length, 54);
    const firstTime = listings.filter((r) => r[4] === 'First time').map((r) => r[0]);
    assert.deepEqual(firstTime.sort(), ['AliExpress', 'WeChat e-commerce ecosystem']);
    const ali = listings.find((r) => r[0] === 'AliExpress');
    assert.deepEqual(ali.slice(1, 4), ['Online', 'China', 'Counterfeiting']);
    // Every row links to its source.
    const sources = await page.$$eval('#listings-table tbody a.source', (as) => as.map((a) => a.href));
    assert.equal(sources.length, 54);
    assert.ok(sources.every((href) => /^https?:\/\//.test(href)), JSON.stringify(sources));

    // The changes since 2020 and the stances.
    const changes = await text(page, 'section[aria-labelledby="changes-since-2020"]');
    const report = await (await fetch(base + '/v1/reviews/2021:report')).json();
    const added = report.diff.changes.filter((c) => c.change === 'CHANGE_TYPE_ADDED').length;
    assert.ok(changes.includes(`Added (${added})`), changes);
    assert.match(changes, /AliExpress/);
    const stances = await rowsOf(page, 'Responses by stance and stakeholder type');
    assert.ok(stances.some((r) => r[0] === 'Opposes' && r[1] === 'Government'), JSON.stringify(stances));
    const stancesVersion = report.stances.dataVersion;
    assert.match(await footerVersion(page), new RegExp(`responses version ${stancesVersion}$`));
  }));

  test('filters and sorts through the address, which survives a reload', () => inPage(async (page) => {
    await load(page, '/reviews/2021');
    await page.select('select[name="kind"]', 'MARKET_KIND_PHYSICAL');
    assert.equal(await text(page, '#listings-count'), '12 of 54 listings shown.');
    await page.select('select[name="country"]', 'CN');
    assert.equal(new URL(page.url()).search, '?kind=MARKET_KIND_PHYSICAL&country=CN');
    const chinese = await rowsOf(page, 'Listings of this review');
    assert.ok(chinese.length > 0 && chinese.every((r) => r[1] === 'Physical' && r[2] === 'China'));

    await page.select('select[name="kind"]', '');
    await page.select('select[name="country"]', '');
    await page.click('input[name="first"]');
    assert.equal(await text(page, '#listings-count'), '2 of 54 listings shown.');

    // Sorting by a column's header button (twice: descending), in the
    // address too.
    await page.click('input[name="first"]');
    const yearsHeader = '::-p-xpath(//th/button[starts-with(normalize-space(), "Years in a row")])';
    await page.click(yearsHeader);
    await page.click(yearsHeader);
    assert.equal(new URL(page.url()).searchParams.get('sort'), '-years');
    assert.equal(await page.evaluate(() => document.activeElement.dataset.key), 'years',
                 'focus stays on the sort button');
    assert.equal(await page.$eval('th[aria-sort]', (th) => th.getAttribute('aria-sort')), 'descending');
    // "At least 3" where an unknown year before the run may extend it.
    const sorted = (await rowsOf(page, 'Listings of this review'))
        .map((r) => Number(r[5].replace(/^At least /, '')));
    assert.deepEqual(sorted, [...sorted].sort((a, b) => b - a));

    await page.goto(base + '/reviews/2021?kind=MARKET_KIND_ONLINE&first=1');
    await ready(page);
    assert.equal(await text(page, '#listings-count'), '2 of 54 listings shown.');
    assert.equal(await page.$eval('select[name="kind"]', (s) => s.value), 'MARKET_KIND_ONLINE');
  }));
});

describe('the 2022 review', () => {
  test('claims no removal its incomplete lists cannot prove', () => inPage(async (page) => {
    await load(page, '/reviews/2022');
    const changes = await text(page, 'section[aria-labelledby="changes-since-2021"]');
    assert.ok(changes.includes('Removed (0)'), changes);
    const report = await (await fetch(base + '/v1/reviews/2022:report')).json();
    const notLoaded = report.diff.notLoadedCount;
    assert.ok(notLoaded > 20, JSON.stringify(report.diff));
    assert.ok(changes.includes(`Not loaded (${notLoaded})`), changes);
    assert.match(changes, /MBK Center · Physical, Thailand · not among the 12 of 35 physical markets loaded for the 2021 review/);
  }));
});

describe('a market dossier', () => {
  test('AliExpress: its years on the list and the Ministry of Commerce and Alibaba responses', () => inPage(async (page) => {
    await load(page, '/markets/aliexpress');
    assert.equal(await text(page, 'h1'), 'AliExpress');
    const years = await texts(page, '.timeline li');
    assert.ok(years.includes('2021\nListed') && years.includes('2022\nListed'), JSON.stringify(years));
    // 2020 is settled by the source's first year; 2023 has no row in an
    // incomplete list, so it is unknown, not "not listed".
    assert.ok(years.includes('2020\nNot listed'), JSON.stringify(years));
    assert.ok(years.includes('2023\nUnknown') && years.includes('2025\nUnknown'), JSON.stringify(years));
    // The rules behind each year, in a closed details element.
    const why = await page.$eval('details', (d) => d.textContent);
    assert.match(why, /2020: Not listed — a source reports it first listed in 2021/);
    assert.match(why, /2024: Unknown — not among the 23 of 38 online markets loaded for the 2024 review/);
    assert.match(await text(page, 'p.lede'), /Listed in 2 reviews: 2021–2022\. Unknown for 2023–2025/);
    const responses = await texts(page, 'ol.responses article');
    const ministry = responses.find((r) => r.startsWith('Ministry of Commerce of the People\'s Republic of China'));
    assert.ok(ministry, JSON.stringify(responses));
    assert.match(ministry, /Opposes · Government · February 2022 · on the 2021 review/);
    const alibaba = responses.find((r) => r.startsWith('Alibaba Group'));
    assert.match(alibaba, /Commits to cooperate · Market operator/);
    const links = await page.$$eval('ol.responses a.source', (as) => as.map((a) => a.href));
    assert.equal(links.length, responses.length, 'every response links to its source');
    assert.match(await text(page, 'dl.facts'), /Alibaba Group/);
    assert.match(await text(page, 'dl.facts'), /aliexpress\.com/);
  }));

  test('an unknown market is a page saying so', () => inPage(async (page) => {
    await page.goto(base + '/markets/no-such-market');
    assert.equal(await ready(page), 'error');
    assert.equal(await text(page, 'h1'), 'Not found');
    assert.match(await text(page, 'main [role="alert"]'), /no-such-market/);
  }, {expected: [/status of 404/]}));
});

describe('moving around', () => {
  test('links lead from the reviews to a review to a market, and back works', () => inPage(async (page) => {
    await load(page, '/');
    await clickLink(page, '2021 review');
    assert.equal(new URL(page.url()).pathname, '/reviews/2021');
    assert.match(await text(page, 'h1'), /2021 Review/);
    await clickLink(page, 'AliExpress');
    assert.equal(new URL(page.url()).pathname, '/markets/aliexpress');
    assert.equal(await page.title(), 'AliExpress · nml');
    // Focus moves to the new page's heading, for keyboard and screen readers.
    assert.equal(await page.evaluate(() => document.activeElement.tagName), 'H1');

    await page.goBack();
    await ready(page);
    assert.equal(new URL(page.url()).pathname, '/reviews/2021');
    assert.match(await text(page, 'h1'), /2021 Review/);
    await page.goBack();
    await ready(page);
    assert.equal(new URL(page.url()).pathname, '/');
    await page.goForward();
    await ready(page);
    assert.equal(new URL(page.url()).pathname, '/reviews/2021');
    // The navigation marks the section the page belongs to.
    assert.equal(await page.$eval('header a[aria-current="page"]', (a) => a.textContent), 'Reviews');
  }));

  test('the keyboard reaches the skip link first and it moves to the content', () => inPage(async (page) => {
    await load(page, '/history');
    await page.keyboard.press('Tab');
    assert.equal(await page.evaluate(() => document.activeElement.textContent), 'Skip to content');
    await page.keyboard.press('Enter');
    await page.keyboard.press('Tab');
    const focused = await page.evaluate(() => document.activeElement.closest('main') !== null);
    assert.ok(focused, 'the next Tab lands in the page content');
  }));
});

describe('screening', () => {
  test('the form screens pasted URLs against a review and says which rule matched', () => inPage(async (page) => {
    await load(page, '/screen');
    await page.type('#screen-urls', 'https://www.aliexpress.com/item/1.html\npan.baidu.com/s/x\nexample.org\nht!tp://');
    await page.select('#screen-review', '2021');
    await page.click('.screen-form button[type="submit"]');
    await page.waitForFunction(() => location.search.includes('url='));
    await ready(page);
    const params = new URL(page.url()).searchParams;
    assert.equal(params.getAll('url').length, 4);
    assert.equal(params.get('review'), '2021');
    const rows = await rowsOf(page, 'Each URL and what it matched');
    assert.deepEqual(rows[0], ['https://www.aliexpress.com/item/1.html', 'www.aliexpress.com', 'Listed',
                               'AliExpress', 'Host and subdomains aliexpress.com']);
    assert.equal(rows[1][2], 'Listed');
    // 2021's online list is complete: a host with no row is not listed.
    assert.equal(rows[2][2], 'Not listed');
    assert.match(rows[2][4], /online list is complete \(42 of 42/);
    assert.match(rows[3][2], /^Not screened: /);
    assert.match(await text(page, '#screen-results [role="status"]'), /^2 of 4 listed in the 2021 review/);

    // The answer is in the address: a reload shows it again.
    await page.reload();
    await ready(page);
    assert.equal((await rowsOf(page, 'Each URL and what it matched')).length, 4);
  }));

  test('a day screens against the list then in force, and a file can be loaded', () => inPage(async (page) => {
    await load(page, '/screen');
    const file = join(profile, 'urls.txt');
    writeFileSync(file, 'https://www.aliexpress.com/item/1.html\nexample.org\n');
    const input = await page.$('#screen-file');
    await input.uploadFile(file);
    await page.waitForFunction(() => document.querySelector('#screen-urls').value.includes('example.org'));
    await page.click('input[name="by"][value="date"]');
    // The list in force on 2022-02-01 is the 2020 review (the 2021 review
    // came out on 2022-02-17), which did not list AliExpress.
    await page.$eval('#screen-date', (e) => { e.value = '2022-02-01'; });
    await page.click('.screen-form button[type="submit"]');
    await page.waitForFunction(() => location.search.includes('asOf='));
    await ready(page);
    assert.match(await text(page, '#screen-results [role="status"]'), /^0 of 2 listed, 1 unknown in the 2020 review/);
    const rows = await rowsOf(page, 'Each URL and what it matched');
    // AliExpress: its source says it was first listed in 2021.
    assert.equal(rows[0][2], 'Not listed');
    assert.match(rows[0][4], /first listed in 2021/);
    // example.org: 38 of 39 online loaded, so nml cannot say.
    assert.equal(rows[1][2], 'Unknown');
    assert.match(rows[1][4], /not among the 38 of 39 online markets loaded/);
  }));
});

describe('search', () => {
  test('a misspelt name finds the market and leads to its dossier', () => inPage(async (page) => {
    await load(page, '/search');
    await page.type('#search-q', 'aliexpres');
    await page.keyboard.press('Enter');
    await page.waitForFunction(() => location.search === '?q=aliexpres');
    await ready(page);
    const rows = await rowsOf(page, 'Markets matching the search, best first');
    assert.equal(rows[0][0], 'AliExpress');
    await clickLink(page, 'AliExpress');
    assert.equal(new URL(page.url()).pathname, '/markets/aliexpress');
    await page.goBack();
    await ready(page);
    assert.equal(await page.$eval('#search-q', (e) => e.value), 'aliexpres');
  }));
});

describe('history and status', () => {
  test('the chart and its table give each review\'s counts, and the countries', () => inPage(async (page) => {
    await load(page, '/history');
    assert.ok(await page.$('figure.chart canvas'), 'the chart is drawn');
    const perReview = await rowsOf(page, 'Markets per review, declared and loaded');
    assert.deepEqual(perReview.find((r) => r[0] === '2021'), ['2021', '42', '42', '35', '12']);
    const countries = await rowsOf(page, 'Loaded listings by the market’s country and review');
    assert.ok(countries.some((r) => r[0] === 'China'), JSON.stringify(countries.map((r) => r[0])));
  }));

  test('the status page shows the data version the API reports and what is missing', () => inPage(async (page) => {
    await load(page, '/status');
    const api = await (await fetch(base + '/v1/status')).json();
    assert.match(await text(page, 'dl.facts'), new RegExp(`Data version\\s+${api.dataVersion}\\b`));
    assert.equal(await text(page, '#data-version'), `Data version ${api.dataVersion}`);
    const missing = await rowsOf(page, 'Listings each review declared that nml does not hold yet');
    assert.deepEqual(missing.find((r) => r[0] === '2021 review'),
                     ['2021 review', '0 of 42', '23 of 35', 'Online complete, physical incomplete']);
  }));
});

describe('what the gateway sends', () => {
  test('pages and files carry a strict CSP and ETags, and an unchanged file is a 304', async () => {
    const page = await fetch(base + '/reviews/2021');
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-security-policy'), /script-src 'self'/);
    assert.equal(page.headers.get('x-content-type-options'), 'nosniff');
    const js = await fetch(base + '/assets/app.js');
    const etag = js.headers.get('etag');
    assert.match(etag, /^"[0-9a-f]+"$/);
    const again = await fetch(base + '/assets/app.js', {headers: {'if-none-match': etag}});
    assert.equal(again.status, 304);
    const missing = await fetch(base + '/assets/nope.js');
    assert.equal(missing.status, 404);
    assert.equal(missing.headers.get('content-type'), 'application/json');
  });
});

// Last: it writes to the data the tests above read.
describe('hostile data and addresses', () => {
  test('markup in the data is shown as text and never runs', async () => {
    const name = '<img src=x onerror=alert(1)> Bazaar </script><b>bold</b>';
    const post = (path, body) => fetch(base + path, {
      method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body),
    });
    const created = await post('/v1/markets?marketId=hostile-html',
                               {displayName: name, kind: 'MARKET_KIND_PHYSICAL', city: '<i>Nowhere</i>'});
    assert.equal(created.status, 200, await created.text());
    const listed = await post('/v1/reviews/2025/listings', {
      market: 'markets/hostile-html', sourceUrl: 'https://example.org/?q=%3Cscript%3E',
    });
    assert.equal(listed.status, 200, await listed.text());

    // inPage fails on a dialog: an alert from the data would be one.
    await inPage(async (page) => {
      await load(page, '/markets/hostile-html');
      assert.equal(await text(page, 'h1'), name);
      assert.match(await text(page, '.lede'), /in <i>Nowhere<\/i>/);
      await load(page, '/reviews/2025');
      const rows = await rowsOf(page, 'Listings of this review');
      assert.ok(rows.some((r) => r[0] === name), 'the listing shows the name as written');
      await load(page, `/search?q=${encodeURIComponent('<img src=x')}`);
      assert.equal(await page.$$eval('main img, main b, main i', (es) => es.length), 0,
                   'no element came from the data');
    });
  });

  test('an address that names nothing says so', () => inPage(async (page) => {
    for (const [path, message] of [
      ['/reviews/1999', /reviews\/1999/],
      ['/reviews/not-a-year', /not a review year/],
    ]) {
      await page.goto(base + path);
      assert.equal(await ready(page), 'error', path);
      assert.equal(await text(page, 'h1'), 'Not found', path);
      assert.match(await text(page, 'main [role="alert"]'), message);
    }
    // Not a page at all: the REST side's JSON 404.
    const other = await fetch(base + '/reviews/2021/extra');
    assert.equal(other.status, 404);
  }, {expected: [/status of 404/]}));
});
