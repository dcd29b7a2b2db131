// The web view in a real browser: Debian's chromium driven by puppeteer-core,
// against the running system with data/ loaded (tests/web/web_view_test.cc
// starts it and passes NML_WEB_URL). Checks what a person would see, uses
// the forms, links and back button, runs axe-core on every page, writes
// screenshots at desktop and phone width, and measures each page's load.
import {after, before, describe, test} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import puppeteer from 'puppeteer-core';

const base = process.env.NML_WEB_URL;
assert.ok(base, 'NML_WEB_URL names the gateway (http://127.0.0.1:PORT)');
const shots = process.env.NML_SCREENSHOT_DIR || join(tmpdir(), 'nml-web-screenshots');
const budgetMs = Number(process.env.NML_PAGE_BUDGET_MS || 300);
const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

const desktop = {width: 1280, height: 900};
const phone = {width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2};

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

let browser;
let profile;
const timings = {};

before(async () => {
  mkdirSync(shots, {recursive: true});
  profile = mkdtempSync(join(tmpdir(), 'nml-chromium-'));
  browser = await puppeteer.launch({
    executablePath: process.env.NML_CHROMIUM || '/usr/bin/chromium',
    userDataDir: profile,
    // As root in a container there is no sandbox; the rest keeps Chromium
    // from calling out to Google's hosts, which this machine cannot reach.
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
           '--disable-background-networking', '--disable-component-update',
           '--disable-sync', '--disable-dev-shm-usage', '--lang=en-US'],
    headless: true,
  });
});

after(async () => {
  await browser?.close();
  if (profile) rmSync(profile, {recursive: true, force: true});
  writeFileSync(join(shots, 'timings.json'), JSON.stringify(timings, null, 2));
  console.log(`page loads (ms, median of 3): ${JSON.stringify(timings)}`);
  console.log(`screenshots: ${shots}`);
});

// A tab that fails the test on any console error, uncaught exception or
// failed request (a CSP violation is a console error).
async function newPage(viewport = desktop) {
  const page = await browser.newPage();
  await page.setViewport(viewport);
  const problems = [];
  page.on('console', (m) => {
    if (m.type() === 'error') problems.push(`console: ${m.text()}`);
  });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => {
    // A navigation within the site cancels what the old page still read.
    if (r.failure()?.errorText !== 'net::ERR_ABORTED') {
      problems.push(`request failed: ${r.url()} ${r.failure()?.errorText}`);
    }
  });
  page.problems = problems;
  return page;
}

async function ready(page) {
  await page.waitForSelector('main[data-state="ready"], main[data-state="error"]');
  return page.$eval('main', (m) => m.dataset.state);
}

// Opens `path` and returns the time from navigation start to the page
// showing its data (the router's 'nml-ready' mark).
async function load(page, path) {
  await page.goto(base + path, {waitUntil: 'load'});
  assert.equal(await ready(page), 'ready', `${path} rendered`);
  return page.evaluate(() => performance.getEntriesByName('nml-ready').at(-1).startTime);
}

const text = (page, selector) => page.$eval(selector, (e) => e.innerText);
const texts = (page, selector) => page.$$eval(selector, (es) => es.map((e) => e.innerText.trim()));

async function footerVersion(page) {
  const footer = await text(page, '#data-version');
  assert.match(footer, /^Data version \d+$/, 'the page says which data version it used');
  return footer;
}

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
