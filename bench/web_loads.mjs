// Loads each page of the web view 11 times in headless chromium and prints
// the medians from navigation start to DOMContentLoaded (the shell and its
// modules, no data yet) and to the router's 'nml-ready' mark (the page
// showing its data). Used by bench/web_pages.sh.
import puppeteer from 'puppeteer-core';

const base = process.env.NML_WEB_URL;
const pages = ['/', '/reviews/2021', '/markets/aliexpress', '/history',
               '/screen?url=aliexpress.com&url=example.org&review=2021', '/search?q=aliexpres', '/status'];
const browser = await puppeteer.launch({
  executablePath: process.env.NML_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--no-first-run'],
});
const page = await browser.newPage();
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(`${'page'.padEnd(34)} ${'shell (DCL)'.padStart(12)} ${'with data'.padStart(10)}`);
for (const path of pages) {
  const shell = [];
  const ready = [];
  for (let i = 0; i < 11; i++) {
    await page.goto(base + path);
    await page.waitForSelector('main[data-state="ready"]');
    const [dcl, done] = await page.evaluate(() => [
      performance.getEntriesByType('navigation')[0].domContentLoadedEventEnd,
      performance.getEntriesByName('nml-ready').at(-1).startTime,
    ]);
    shell.push(dcl);
    ready.push(done);
  }
  console.log(`${path.slice(0, 34).padEnd(34)} ${median(shell).toFixed(0).padStart(9)} ms ${median(ready).toFixed(0).padStart(7)} ms`);
}
await browser.close();
