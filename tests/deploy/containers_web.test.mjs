// The web view served by the gateway's container (tests/deploy/containers_test.sh
// sets NML_WEB_URL to it), in Debian's chromium.
import {test} from 'node:test';
import assert from 'node:assert/strict';
import {inPage, load, rowsOf, text, useBrowser} from '../e2e/web_browser.mjs';

useBrowser();

test('the 2021 review page renders from the containers', async () => {
  await inPage(async (page) => {
    await load(page, '/reviews/2021');
    assert.match(await text(page, 'h1'), /2021 Review of Notorious Markets/);
    const counts = await rowsOf(page, 'Markets the review declared and the listings loaded in nml');
    assert.deepEqual(counts[0], ['Online', '42', '42', 'Complete: 42 of 42 online markets loaded']);
    const listings = await rowsOf(page, 'Listings of this review');
    assert.ok(listings.some((r) => r[0] === 'AliExpress'), 'AliExpress is listed');
  });
});
