// Watches the list's change feed and prints each change as it commits: data
// version, the kind (WRITTEN or DELETED) and the resource's name.
//   node dist/examples/watch-changes.js [sinceDataVersion] [limit] [timeoutMs]
// (NML_LISTINGS_ADDR, default localhost:50051; NML_TOKEN, an API key)
import { NmlClient, NmlError } from '../src';

async function main(): Promise<void> {
  const [since, limit, timeoutMs] = process.argv.slice(2).map(Number);
  const nml = new NmlClient({
    listings: process.env.NML_LISTINGS_ADDR ?? 'localhost:50051',
    apiKey: process.env.NML_TOKEN,
  });
  let seen = 0;
  try {
    for await (const change of nml.watchChanges(since ?? 0, { timeoutMs })) {
      process.stdout.write(`${change.dataVersion}\t${change.kind}\t${change.name}\n`);
      if (limit && ++seen >= limit) break;
    }
  } finally {
    nml.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`watch-changes: ${String(e)}${e instanceof NmlError ? ` (reason ${e.reason})` : ''}\n`);
  process.exit(1);
});
