// What tests/clients/clients_test.cc asks of the TypeScript client, against
// a running system with data/ loaded; prints one JSON object.
import { NmlClient, NmlError } from '../src';

async function main(): Promise<void> {
  const [listings, responses] = process.argv.slice(2);
  const nml = new NmlClient({ listings, responses, deadlineMs: 30_000 });
  try {
    const got = await nml.getReview(2021);
    const screened = [];
    for await (const r of nml.screen(
      ['https://WWW.AliExpress.com:443/item/1.html', 'https://www.example.org/shop', 'store.example.net'],
      { reviewYear: 2021 },
    )) {
      screened.push({ input: r.input, status: r.status });
    }
    const names = async (pageSize: number) => {
      const all: string[] = [];
      for await (const r of nml.listResponses('review_year = 2021', { pageSize })) all.push(r.name);
      return all;
    };
    let error: object | null = null;
    try {
      await nml.getMarket('markets/no-such-market');
    } catch (e) {
      if (!(e instanceof NmlError)) throw e;
      error = {
        type: e.name,
        code: e.codeName,
        reason: e.reason,
        domain: e.domain,
        missing: e.missingResources,
      };
    }
    process.stdout.write(
      JSON.stringify({
        review: got.review?.name,
        online_count: got.review?.onlineCount,
        data_version: Number(got.dataVersion),
        screened,
        paged: await names(5),
        whole: await names(1000),
        error,
      }) + '\n',
    );
  } finally {
    nml.close();
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`check: ${String(e)}\n`);
  process.exit(1);
});
