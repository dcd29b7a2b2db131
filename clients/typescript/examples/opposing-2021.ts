// Lists every response to the 2021 review that opposes a listing, following
// pages to the end: who, when, against what, and what they said.
//   node dist/examples/opposing-2021.js [pageSize]
// (NML_RESPONSES_ADDR, default localhost:50052; NML_TOKEN, an API key)
import { NmlClient, NmlError } from '../src';

async function main(): Promise<void> {
  const nml = new NmlClient({
    responses: process.env.NML_RESPONSES_ADDR ?? 'localhost:50052',
    apiKey: process.env.NML_TOKEN,
  });
  try {
    const pageSize = Number(process.argv[2] ?? 50);
    for await (const r of nml.listResponses('review_year = 2021 AND stance = STANCE_OPPOSES', {
      pageSize,
    })) {
      const d = r.statedOn;
      const when = d ? `${d.year}-${String(d.month).padStart(2, '0')}-${String(d.day).padStart(2, '0')}` : '';
      process.stdout.write(
        `${r.name}\t${when}\t${r.stakeholderDisplayName}\t${r.targets.join(', ')}\t${r.summary}\n`,
      );
    }
  } finally {
    nml.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`opposing-2021: ${String(e)}${e instanceof NmlError ? ` (reason ${e.reason})` : ''}\n`);
  process.exit(1);
});
