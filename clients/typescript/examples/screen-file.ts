// Screens a file of URLs (one a line) against the Notorious Markets List and
// writes a CSV: each URL's status (LISTED, NOT_LISTED or UNKNOWN, where nml
// lacks the rows to tell), the rule that decided it, the review read and the
// listings it matched, with the data version of the answer.
//   node dist/examples/screen-file.js urls.txt out.csv [reviewYear]
// (NML_LISTINGS_ADDR, default localhost:50051; NML_TOKEN, an API key)
import { readFileSync, writeFileSync } from 'node:fs';

import { NmlClient, NmlError } from '../src';

const csv = (value: string | number) => {
  const text = String(value);
  return /[",\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
};

async function main(): Promise<void> {
  const [urlsFile, outFile, year] = process.argv.slice(2);
  if (!urlsFile || !outFile) throw new Error('usage: screen-file urls.txt out.csv [reviewYear]');
  const urls = readFileSync(urlsFile, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  const nml = new NmlClient({
    listings: process.env.NML_LISTINGS_ADDR ?? 'localhost:50051',
    apiKey: process.env.NML_TOKEN,
  });
  const rows = [['input', 'host', 'status', 'rule', 'review', 'listings', 'data_version']];
  try {
    for await (const r of nml.screen(urls, { reviewYear: Number(year ?? 0) })) {
      rows.push([
        r.input,
        r.host,
        r.status,
        r.statusRule,
        r.review,
        r.matches.map((m) => m.listing).join(' '),
        String(r.dataVersion),
      ]);
    }
  } finally {
    nml.close();
  }
  writeFileSync(outFile, rows.map((row) => row.map(csv).join(',')).join('\r\n') + '\r\n');
}

main().catch((e: unknown) => {
  process.stderr.write(`screen-file: ${String(e)}${e instanceof NmlError ? ` (reason ${e.reason})` : ''}\n`);
  process.exit(1);
});
