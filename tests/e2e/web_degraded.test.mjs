// The web view with nml-responses down (tests/e2e/web_pages_test.cc stops
// it): the pages still show what nml-listings answers, and say which part
// could not be read rather than showing it as empty.
import {describe, test} from 'node:test';
import assert from 'node:assert/strict';

import {load, inPage, rowsOf, text, useBrowser} from './web_browser.mjs';

useBrowser();

describe('with nml-responses down', () => {
  test('a dossier shows the market and says its responses could not be read', () => inPage(async (page) => {
    await load(page, '/markets/aliexpress');
    assert.equal(await text(page, 'h1'), 'AliExpress');
    const responses = await text(page, 'section[aria-labelledby="responses"]');
    assert.match(responses, /could not be read just now/);
    assert.doesNotMatch(responses, /No response/);
  }));

  test('a review shows its listings and says its stances could not be read', () => inPage(async (page) => {
    await load(page, '/reviews/2021');
    assert.equal((await rowsOf(page, 'Listings of this review')).length, 54);
    assert.match(await text(page, 'section[aria-labelledby="responses"]'), /could not be read just now/);
  }));
});
