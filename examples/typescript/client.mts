// The README's REST examples through a client generated from nml's OpenAPI
// document: openapi-typescript writes the types (nml-api.d.ts) from
// GET /openapi.json, openapi-fetch makes the calls, and tsc checks every path,
// parameter and body against them.
//
//   npx openapi-typescript http://localhost:8080/openapi.json \
//       -o examples/typescript/nml-api.d.ts
//   npx tsc -p examples/typescript
//   node examples/typescript/dist/client.mjs http://localhost:8080 [review year]
//
// Prints one JSON object of what it saw; NML_API_KEY, when set, is sent as
// the bearer key (creates need the `editor` role when keys are configured).
import { randomUUID } from "node:crypto";

import createClient from "openapi-fetch";

import type { paths } from "./nml-api.js";

const baseUrl = process.argv[2] ?? "http://localhost:8080";
const newYear = Number(process.argv[3] ?? "2030");
const key = process.env.NML_API_KEY;
const nml = createClient<paths>({
  baseUrl,
  headers: key ? { authorization: `Bearer ${key}` } : {},
});

// Every answer either has data or a google.rpc.Status-shaped error.
function must<T>(
  what: string,
  result: { data?: T; error?: unknown; response: Response },
): T {
  if (result.data === undefined) {
    throw new Error(
      `${what}: HTTP ${result.response.status} ${JSON.stringify(result.error)}`,
    );
  }
  return result.data;
}

const report = must(
  "report",
  await nml.GET("/v1/reviews/{review}:report", {
    params: { path: { review: "2021" } },
  }),
);
const dossier = must(
  "dossier",
  await nml.GET("/v1/markets/{market}:dossier", {
    params: { path: { market: "aliexpress" } },
  }),
);
const firstTime = must(
  "first-time listings",
  await nml.GET("/v1/reviews/{review}/listings", {
    params: {
      path: { review: "2021" },
      query: { filter: "first_time=true", pageSize: 10 },
    },
  }),
);
const screened = must(
  "screen",
  await nml.POST("/v1/domains:screen", {
    body: { items: [{ input: "pan.baidu.com/s/x" }] },
  }),
);
const responses = must(
  "responses",
  await nml.GET("/v1/responses", {
    params: { query: { filter: 'targets:"markets/aliexpress"' } },
  }),
);

// A create with its id and a request id, retried: the retry answers the
// first result instead of writing again (AIP-155).
const requestId = randomUUID();
const create = () =>
  nml.POST("/v1/reviews", {
    params: { query: { reviewId: newYear, requestId } },
    body: {
      title: `${newYear} Review of Notorious Markets for Counterfeiting and Piracy`,
      sourceUrl: "https://ustr.gov/",
      declaredOnlineCount: 40,
    },
  });
const created = must("create", await create());
const retried = must("create, retried", await create());
// PATCH without an update mask: the mask is the fields the body has.
const updated = must(
  "update",
  await nml.PATCH("/v1/reviews/{review}", {
    params: { path: { review: String(newYear) } },
    body: { declaredPhysicalCount: 30, etag: created.review?.etag },
  }),
);
const missing = await nml.GET("/v1/reviews/{review}", {
  params: { path: { review: "1999" } },
});

console.log(
  JSON.stringify({
    reportOnline: report.stats?.review?.onlineCount,
    dossierMarket: dossier.history?.market?.name,
    dossierStakeholders: (dossier.responses?.responses ?? []).map(
      (r) => r.stakeholder,
    ),
    firstTime: (firstTime.listings ?? []).map((l) => l.name),
    screened: (screened.results?.[0]?.matches ?? []).map((m) => m.listing),
    responses: (responses.responses ?? []).length,
    created: created.review?.name,
    retriedSame:
      retried.review?.createTime === created.review?.createTime &&
      retried.dataVersion === created.dataVersion,
    updatedDeclared: [
      updated.review?.declaredOnlineCount,
      updated.review?.declaredPhysicalCount,
    ],
    missingStatus: missing.response.status,
    missingError: missing.error?.error?.status,
  }),
);
