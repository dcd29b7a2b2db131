// Validates an OpenAPI document with @apidevtools/swagger-parser (the
// OpenAPI 3.0 JSON schema plus its reference and parameter rules).
//   node tests/gateway/validate_openapi.mjs openapi.json
// Exit 0 and a one-line summary when valid; exit 1 and the reasons when not.
import SwaggerParser from "@apidevtools/swagger-parser";

try {
  const api = await SwaggerParser.validate(process.argv[2]);
  const operations = Object.values(api.paths).flatMap((item) =>
    Object.keys(item),
  ).length;
  console.log(`valid: OpenAPI ${api.openapi}, ${operations} operations`);
} catch (error) {
  console.error(`invalid: ${error.message}`);
  process.exit(1);
}
