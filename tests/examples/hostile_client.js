// Calls nml-listings from Node.js (@grpc/grpc-js) with a 100 KB order_by,
// then makes an ordinary call on the same channel. An error message that
// echoed all of it would exceed grpc-js's header limit and stall the
// channel; the server bounds it. Prints one JSON object with what happened.
//
//   node tests/examples/hostile_client.js listings-address
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const root = path.join(__dirname, '..', '..');
const definition = protoLoader.loadSync('nml/listings/v1/listings_service.proto', {
  includeDirs: [
    path.join(root, 'proto'),
    path.dirname(require.resolve('google-proto-files/package.json')),
  ],
  enums: String,
  longs: String,
});
const nml = grpc.loadPackageDefinition(definition).nml;
const client = new nml.listings.v1.ListingsService(
  process.argv[2], grpc.credentials.createInsecure());

function call(method, request) {
  return new Promise((resolve) => {
    client[method](request, { deadline: new Date(Date.now() + 10000) },
      (error, response) => resolve({ error, response }));
  });
}

async function main() {
  const hostile = await call('listMarkets', { orderBy: 'x'.repeat(100000) });
  const next = await call('getReview', { name: 'reviews/2021' });
  process.stdout.write(JSON.stringify({
    hostileCode: hostile.error ? hostile.error.code : 0,
    hostileDetailsBytes: hostile.error ? Buffer.byteLength(hostile.error.details) : 0,
    nextCode: next.error ? next.error.code : 0,
    nextReview: next.response ? next.response.review.name : '',
  }) + '\n');
  client.close();
}

main();
