// A foreign client: calls nml-listings from Node.js with stubs generated at
// run time from proto/ by @grpc/proto-loader, no C++ involved.
//
//   node examples/node/client.js [listings-address]   (default 127.0.0.1:50051)
//
// Prints one JSON object: the 2021 statistics and a screening result.
'use strict';

const path = require('path');
const grpc = require('@grpc/grpc-js');
const protoLoader = require('@grpc/proto-loader');

const PROTO_ROOT = path.join(__dirname, '..', '..', 'proto');
// google/api/*.proto (the HTTP and field annotations) from npm google-proto-files.
const GOOGLEAPIS_ROOT = path.dirname(require.resolve('google-proto-files/package.json'));
const definition = protoLoader.loadSync('nml/listings/v1/listings_service.proto', {
  includeDirs: [PROTO_ROOT, GOOGLEAPIS_ROOT],
  keepCase: false,   // fields in lowerCamelCase, as in protobuf's JSON mapping
  enums: String,     // enum values by name
  longs: String,     // int64 as strings, as in protobuf's JSON mapping
  defaults: true,
});
const nml = grpc.loadPackageDefinition(definition).nml;

const address = process.argv[2] || '127.0.0.1:50051';
const client = new nml.listings.v1.ListingsService(address, grpc.credentials.createInsecure());
const deadline = () => new Date(Date.now() + 10000);

function call(method, request) {
  return new Promise((resolve, reject) => {
    client[method](request, { deadline: deadline() }, (error, response) =>
      error ? reject(error) : resolve(response));
  });
}

async function main() {
  const stats = await call('getReviewStats', { name: 'reviews/2021' });
  const screen = await call('screenDomains', {
    items: [
      { input: 'https://WWW.AliExpress.com:443/item/1.html', options: { reviewYear: 2021 } },
      { input: 'www.baidu.com', options: { reviewYear: 2021 } },
    ],
  });
  process.stdout.write(JSON.stringify({
    review: stats.review.name,
    onlineCount: stats.review.onlineCount,
    declaredOnlineCount: stats.review.declaredOnlineCount,
    state: stats.review.state,
    dataVersion: stats.dataVersion,
    screened: screen.results.map((r) => ({
      input: r.input,
      host: r.host,
      listings: r.matches.map((m) => m.listing),
    })),
  }) + '\n');
}

main().catch((error) => {
  process.stderr.write(`nml example: ${error.code}: ${error.details || error.message}\n`);
  process.exit(1);
});
