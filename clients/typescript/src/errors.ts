// Errors from nml as one typed exception: the gRPC status code, the message,
// and the google.rpc details every nml error carries (an ErrorInfo reason
// always; BadRequest field violations, ResourceInfo names, when given).
import * as grpc from '@grpc/grpc-js';
import * as protobuf from 'protobufjs';

export class NmlError extends Error {
  constructor(
    readonly code: grpc.status,
    readonly details: string,
    // google.rpc.ErrorInfo: e.g. RESOURCE_NOT_FOUND, ETAG_MISMATCH, or the
    // code's name.
    readonly reason: string = '',
    readonly domain: string = '',
    readonly errorMetadata: Readonly<Record<string, string>> = {},
    readonly fieldViolations: ReadonlyArray<{ field: string; description: string }> = [],
    readonly missingResources: readonly string[] = [],
  ) {
    super(`${grpc.status[code]}: ${details}`);
    this.name = 'NmlError';
  }

  /** The code's name, as the AIPs and the REST edge spell it: "NOT_FOUND". */
  get codeName(): string {
    return grpc.status[this.code] ?? 'UNKNOWN';
  }
}

// protobufjs's own google.protobuf.Any keeps the proto's field names.
interface Any {
  type_url: string;
  value: Uint8Array;
}

/** The NmlError for a failed call, decoding grpc-status-details-bin with
 * `rpc` (google/rpc/status.proto and error_details.proto, loaded). */
export function toNmlError(error: grpc.ServiceError, rpc: protobuf.Root): NmlError {
  let reason = '';
  let domain = '';
  let metadata: Record<string, string> = {};
  const violations: { field: string; description: string }[] = [];
  const missing: string[] = [];
  const raw = error.metadata?.get('grpc-status-details-bin')[0];
  if (raw instanceof Buffer) {
    try {
      const status = rpc.lookupType('google.rpc.Status').decode(raw) as unknown as {
        details?: Any[];
      };
      for (const any of status.details ?? []) {
        const type = any.type_url.slice(any.type_url.lastIndexOf('/') + 1);
        const message = rpc.lookup(type);
        if (!(message instanceof protobuf.Type)) continue;  // a detail unknown here
        const decoded = message.toObject(message.decode(any.value), { defaults: true });
        if (type === 'google.rpc.ErrorInfo' && reason === '') {
          reason = decoded.reason as string;
          domain = decoded.domain as string;
          metadata = (decoded.metadata ?? {}) as Record<string, string>;
        } else if (type === 'google.rpc.BadRequest') {
          for (const v of decoded.fieldViolations as { field: string; description: string }[]) {
            violations.push({ field: v.field, description: v.description });
          }
        } else if (type === 'google.rpc.ResourceInfo') {
          missing.push(decoded.resourceName as string);
        }
      }
    } catch {
      // A detail this client cannot read: keep the code and the message.
    }
  }
  return new NmlError(error.code, error.details, reason, domain, metadata, violations, missing);
}
