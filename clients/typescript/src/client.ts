// A typed client for nml's two gRPC services over @grpc/grpc-js. The types
// are generated from proto/ by @grpc/proto-loader's proto-loader-gen-types
// (src/generated, at build time); the stubs load the same .proto files at
// run time. This layer adds what every caller would otherwise write: the API
// key and a deadline on each call, retries of UNAVAILABLE for reads, pages
// followed to the end, screening in batches, and typed errors.
import * as path from 'node:path';

import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import * as protobuf from 'protobufjs';

import { NmlError, toNmlError } from './errors';
import type { ProtoGrpcType as ListingsProto } from './generated/listings_service';
import type { ProtoGrpcType as ResponsesProto } from './generated/responses_service';
import type { ListingsServiceClient } from './generated/nml/listings/v1/ListingsService';
import type { ResponsesServiceClient } from './generated/nml/responses/v1/ResponsesService';
import type { GetReviewResponse__Output } from './generated/nml/listings/v1/GetReviewResponse';
import type { GetMarketResponse__Output } from './generated/nml/listings/v1/GetMarketResponse';
import type { ScreenResult__Output } from './generated/nml/listings/v1/ScreenResult';
import type { ScreenItem } from './generated/nml/listings/v1/ScreenItem';
import type { ResourceChange__Output } from './generated/nml/listings/v1/ResourceChange';
import type { Response__Output } from './generated/nml/responses/v1/Response';

export { NmlError };
export type { ScreenResult__Output as ScreenResult, Response__Output as Response };
export type { ResourceChange__Output as ResourceChange };

/** ScreenDomains takes at most this many items a call. */
export const SCREEN_BATCH = 1000;

export interface ClientOptions {
  /** host:port of nml-listings; omitted, its methods throw. */
  listings?: string;
  /** host:port of nml-responses; omitted, its methods throw. */
  responses?: string;
  /** Sent as `authorization: Bearer <key>`. */
  apiKey?: string;
  /** TLS with the system's roots, or `rootCerts` (PEM). */
  tls?: boolean;
  rootCerts?: Buffer;
  /** Each attempt's deadline; default 10 s. */
  deadlineMs?: number;
  /** Retries of UNAVAILABLE (reads, and writes with a request_id); default 4. */
  retries?: number;
  /** The first retry's wait, doubling; default 100 ms. */
  backoffMs?: number;
  /** Where nml's .proto files are; default the package's own copy (proto/). */
  protoDir?: string;
}

// What proto-loader makes of a message: numbers and enums as the JSON
// mapping spells them, every field present.
const LOAD_OPTIONS: protoLoader.Options = {
  longs: String,
  enums: String,
  defaults: true,
  oneofs: true,
};

type Callback<Res> = (error: grpc.ServiceError | null, response?: Res) => void;
type UnaryMethod<Req, Res> = (
  request: Req,
  metadata: grpc.Metadata,
  options: grpc.CallOptions,
  callback: Callback<Res>,
) => grpc.ClientUnaryCall;

export class NmlClient {
  readonly listings?: ListingsServiceClient;
  readonly responses?: ResponsesServiceClient;
  private readonly metadata = new grpc.Metadata();
  private readonly deadlineMs: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly rpc: protobuf.Root;
  // Method name -> whether it is a reader's (its declared required_role):
  // those are retried.
  private readonly reads = new Map<string, boolean>();

  constructor(options: ClientOptions) {
    this.deadlineMs = options.deadlineMs ?? 10_000;
    this.retries = options.retries ?? 4;
    this.backoffMs = options.backoffMs ?? 100;
    if (this.deadlineMs <= 0) throw new RangeError('deadlineMs must be > 0');
    if (options.apiKey) this.metadata.set('authorization', `Bearer ${options.apiKey}`);
    const protoDir = options.protoDir ?? path.join(__dirname, '..', '..', 'proto');
    const includeDirs = [protoDir];
    const definition = protoLoader.loadSync(
      ['nml/listings/v1/listings_service.proto', 'nml/responses/v1/responses_service.proto'],
      { ...LOAD_OPTIONS, includeDirs },
    );
    for (const service of ['nml.listings.v1.ListingsService', 'nml.responses.v1.ResponsesService']) {
      for (const [name, method] of Object.entries(definition[service] as protoLoader.ServiceDefinition)) {
        const role = (method.options as Record<string, unknown>)['(nml.api.v1.required_role)'];
        this.reads.set(`${service}.${name}`, role === 'ROLE_READER');
      }
    }
    this.rpc = new protobuf.Root();
    this.rpc.resolvePath = (_origin, target) => path.join(protoDir, target);
    this.rpc.loadSync(['google/rpc/status.proto', 'google/rpc/error_details.proto']);

    const loaded = grpc.loadPackageDefinition(definition) as unknown as ListingsProto &
      ResponsesProto;
    const credentials =
      options.tls || options.rootCerts
        ? grpc.credentials.createSsl(options.rootCerts ?? null)
        : grpc.credentials.createInsecure();
    if (options.listings) {
      this.listings = new loaded.nml.listings.v1.ListingsService(options.listings, credentials);
    }
    if (options.responses) {
      this.responses = new loaded.nml.responses.v1.ResponsesService(options.responses, credentials);
    }
  }

  close(): void {
    this.listings?.close();
    this.responses?.close();
  }

  /** One unary call with the key, the deadline and the retries; rejects
   * with NmlError. `service` and `method` name it, as in the proto. */
  async call<Req extends object, Res>(
    service: 'nml.listings.v1.ListingsService' | 'nml.responses.v1.ResponsesService',
    method: string,
    invoke: UnaryMethod<Req, Res>,
    request: Req,
  ): Promise<Res> {
    const retry =
      this.reads.get(`${service}.${method}`) === true ||
      Boolean((request as { requestId?: string }).requestId);
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<Res>((resolve, reject) => {
          invoke(
            request,
            this.metadata,
            { deadline: new Date(Date.now() + this.deadlineMs) },
            (error, response) => (error ? reject(error) : resolve(response as Res)),
          );
        });
      } catch (error) {
        const e = error as grpc.ServiceError;
        if (!retry || attempt >= this.retries || e.code !== grpc.status.UNAVAILABLE) {
          throw toNmlError(e, this.rpc);
        }
      }
      const delay = this.backoffMs * 2 ** attempt;
      await new Promise((resolve) => setTimeout(resolve, delay / 2 + Math.random() * (delay / 2)));
    }
  }

  private stub<T>(stub: T | undefined, which: string): T {
    if (stub === undefined) throw new Error(`this client has no ${which} address`);
    return stub;
  }

  private listingsCall<Req extends object, Res>(
    method: keyof ListingsServiceClient & string,
    request: Req,
  ): Promise<Res> {
    return this.stubCall('nml.listings.v1.ListingsService', this.listings, method, request);
  }

  private responsesCall<Req extends object, Res>(
    method: keyof ResponsesServiceClient & string,
    request: Req,
  ): Promise<Res> {
    return this.stubCall('nml.responses.v1.ResponsesService', this.responses, method, request);
  }

  // call() on a stub's method by name; the stub is undefined when the
  // client was given no address for its service.
  private stubCall<Req extends object, Res>(
    service: 'nml.listings.v1.ListingsService' | 'nml.responses.v1.ResponsesService',
    stub: grpc.Client | undefined,
    method: string,
    request: Req,
  ): Promise<Res> {
    if (stub === undefined) throw new Error(`this client has no address for ${service}`);
    const f = (stub as unknown as Record<string, unknown>)[method] as UnaryMethod<Req, Res>;
    return this.call(service, method, f.bind(stub), request);
  }

  /** Every item of a List call, following nextPageToken to the end. */
  async *pages<Item, Page extends { nextPageToken: string }>(
    call: (pageToken: string) => Promise<Page>,
    items: (page: Page) => Item[],
  ): AsyncGenerator<Item> {
    let token = '';
    do {
      const page = await call(token);
      yield* items(page);
      token = page.nextPageToken;
    } while (token !== '');
  }

  /** The review of `year`, with the data version it was read at. */
  getReview(year: number): Promise<GetReviewResponse__Output> {
    return this.listingsCall('GetReview', { name: `reviews/${year}` });
  }

  /** A market by name ("markets/aliexpress"); NOT_FOUND if none. */
  getMarket(name: string): Promise<GetMarketResponse__Output> {
    return this.listingsCall('GetMarket', { name });
  }

  /** Screens URLs or hosts against the list of `reviewYear` (0: the
   * latest), one result per input in order, in calls of at most
   * `batchSize`. A result's `status` is LISTING_STATUS_LISTED, _NOT_LISTED
   * or _UNKNOWN (nml lacks the rows to tell), with the rule that decided. */
  async *screen(
    urls: Iterable<string>,
    options: { reviewYear?: number; dataVersion?: number; batchSize?: number } = {},
  ): AsyncGenerator<ScreenResult__Output> {
    const batchSize = options.batchSize ?? SCREEN_BATCH;
    if (batchSize < 1 || batchSize > SCREEN_BATCH) {
      throw new RangeError(`batchSize must be 1..${SCREEN_BATCH}`);
    }
    let batch: ScreenItem[] = [];
    const send = async (items: ScreenItem[]) => {
      const answer = await this.listingsCall<object, { results: ScreenResult__Output[] }>(
        'ScreenDomains',
        { items, dataVersion: options.dataVersion ?? 0 },
      );
      return answer.results;
    };
    for (const input of urls) {
      batch.push({ input, options: { reviewYear: options.reviewYear ?? 0 } });
      if (batch.length === batchSize) {
        yield* await send(batch);
        batch = [];
      }
    }
    if (batch.length > 0) yield* await send(batch);
  }

  /** Every response the AIP-160 filter matches, e.g.
   * `review_year = 2021 AND stance = STANCE_OPPOSES`, page by page. */
  listResponses(
    filter = '',
    options: { orderBy?: string; pageSize?: number } = {},
  ): AsyncGenerator<Response__Output> {
    return this.pages(
      (pageToken) =>
        this.responsesCall<object, { responses: Response__Output[]; nextPageToken: string }>(
          'ListResponses',
          { filter, orderBy: options.orderBy ?? '', pageSize: options.pageSize ?? 100, pageToken },
        ),
      (page) => page.responses,
    );
  }

  /** Each listings change after `sinceDataVersion` as it commits, until
   * `timeoutMs` (none: until the caller stops). Heartbeats are skipped. */
  async *watchChanges(
    sinceDataVersion = 0,
    options: { timeoutMs?: number } = {},
  ): AsyncGenerator<ResourceChange__Output> {
    const stub = this.stub(this.listings, 'listings');
    const callOptions: grpc.CallOptions = {};
    if (options.timeoutMs !== undefined) {
      callOptions.deadline = new Date(Date.now() + options.timeoutMs);
    }
    const stream = stub.WatchChanges(
      { sinceDataVersion: String(sinceDataVersion) },
      this.metadata,
      callOptions,
    );
    try {
      for await (const message of stream) {
        yield* (message as { changes: ResourceChange__Output[] }).changes;
      }
    } catch (error) {
      const e = error as grpc.ServiceError;
      if (options.timeoutMs !== undefined && e.code === grpc.status.DEADLINE_EXCEEDED) return;
      throw toNmlError(e, this.rpc);
    } finally {
      stream.cancel();
    }
  }
}
