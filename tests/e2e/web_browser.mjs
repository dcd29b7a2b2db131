// What the web view's browser tests share: Debian's chromium driven by
// puppeteer-core against the gateway NML_WEB_URL names, tabs that record
// every console error, and readers for what a page shows.
import {after, before} from 'node:test';
import assert from 'node:assert/strict';
import {mkdtempSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import puppeteer from 'puppeteer-core';

export const base = process.env.NML_WEB_URL;
assert.ok(base, 'NML_WEB_URL names the gateway (http://127.0.0.1:PORT)');

export const desktop = {width: 1280, height: 900};
export const phone = {width: 390, height: 844, isMobile: true, hasTouch: true, deviceScaleFactor: 2};

let browser;
// A throw-away profile directory, also a place for files a test uploads.
export let profile;

// Starts the browser before a test file's tests and closes it after.
export function useBrowser() {
  before(async () => {
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
  });
}

// A tab that records any console error, uncaught exception or failed
// request in `page.problems` (a CSP violation is a console error); dialogs
// (an injected alert) are recorded and dismissed.
export async function newPage(viewport = desktop) {
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
  page.on('dialog', async (d) => {
    problems.push(`dialog: ${d.message()}`);
    await d.dismiss();
  });
  page.problems = problems;
  return page;
}

// Runs `fn` in a new tab and then fails on any problem the tab recorded but
// those `expected` matches (the console error a 404 answer logs, on a page
// about a missing thing).
export async function inPage(fn, {viewport = desktop, expected = []} = {}) {
  const page = await newPage(viewport);
  try {
    await fn(page);
    const problems = page.problems.filter((p) => !expected.some((e) => e.test(p)));
    assert.deepEqual(problems, [], 'no console error, failed request or dialog');
  } finally {
    await page.close();
  }
}

// Waits for the router to finish the page; 'ready' or 'error'.
export async function ready(page) {
  await page.waitForSelector('main[data-state="ready"], main[data-state="error"]');
  return page.$eval('main', (m) => m.dataset.state);
}

// Opens `path` and returns the time from navigation start to the page
// showing its data (the router's 'nml-ready' mark).
export async function load(page, path) {
  await page.goto(base + path, {waitUntil: 'load'});
  assert.equal(await ready(page), 'ready', `${path} rendered`);
  return page.evaluate(() => performance.getEntriesByName('nml-ready').at(-1).startTime);
}

export const text = (page, selector) => page.$eval(selector, (e) => e.innerText);
export const texts = (page, selector) =>
  page.$$eval(selector, (es) => es.map((e) => e.innerText.trim()));

export async function footerVersion(page) {
  const footer = await text(page, '#data-version');
  assert.match(footer, /^Data version \d+( · responses version \d+)?$/,
               'the page says which data version it used');
  return footer;
}

// The rows of a table as arrays of cell texts, by the table's caption.
export async function rowsOf(page, caption) {
  return page.evaluate((caption) => {
    const table = [...document.querySelectorAll('table')].find(
        (t) => t.caption?.innerText.trim() === caption);
    if (!table) return null;
    return [...table.tBodies[0].rows].map((r) => [...r.cells].map((c) => c.innerText.trim()));
  }, caption);
}

export async function clickLink(page, name) {
  const link = await page.waitForSelector(`::-p-xpath(//main//a[normalize-space()="${name}"])`);
  await link.click();
  return ready(page);
}
