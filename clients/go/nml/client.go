// Package nml is a client for nml's two gRPC services over the stubs
// generated from proto/ (example.org/nml/listings/v1, .../responses/v1).
// It adds what every caller would otherwise write: the API key and a
// deadline on each call, retries of UNAVAILABLE for reads, pages followed to
// the end, screening in batches, and errors that carry the gRPC code and the
// google.rpc.ErrorInfo reason.
package nml

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"math/rand"
	"os"
	"strings"
	"time"

	apiv1 "example.org/nml/api/v1"
	listingsv1 "example.org/nml/listings/v1"
	responsesv1 "example.org/nml/responses/v1"
	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/reflect/protoregistry"
	"google.golang.org/protobuf/types/descriptorpb"
)

// ScreenBatch is the most items ScreenDomains takes a call.
const ScreenBatch = 1000

// Options configure a Client. Zero values take the defaults.
type Options struct {
	Listings  string // host:port of nml-listings; "" leaves it unused
	Responses string // host:port of nml-responses; "" leaves it unused
	APIKey    string // sent as "authorization: Bearer <key>"
	TLS       *tls.Config
	Deadline  time.Duration // each attempt; default 10 s
	Retries   int           // of UNAVAILABLE; default 4, -1 for none
	Backoff   time.Duration // the first retry's wait, doubling; default 100 ms
}

// OptionsFromEnv gives what a command would take from its environment:
// NML_LISTINGS_ADDR (default localhost:50051), NML_RESPONSES_ADDR (default
// localhost:50052) and the API key in NML_TOKEN, as nmlctl does.
func OptionsFromEnv() Options {
	get := func(name, fallback string) string {
		if v := os.Getenv(name); v != "" {
			return v
		}
		return fallback
	}
	return Options{
		Listings:  get("NML_LISTINGS_ADDR", "localhost:50051"),
		Responses: get("NML_RESPONSES_ADDR", "localhost:50052"),
		APIKey:    os.Getenv("NML_TOKEN"),
	}
}

// Client holds a connection to each service. The generated stubs are
// exported for every call it has no method for; they go through the same
// key, deadline and retries.
type Client struct {
	Listings  listingsv1.ListingsServiceClient
	Responses responsesv1.ResponsesServiceClient
	conns     []*grpc.ClientConn
	opts      Options
}

// Error is a call nml refused or could not answer.
type Error struct {
	Code     codes.Code
	Message  string
	Reason   string // google.rpc.ErrorInfo: RESOURCE_NOT_FOUND, ETAG_MISMATCH, ...
	Domain   string
	Metadata map[string]string
	// google.rpc.BadRequest and google.rpc.ResourceInfo, when given.
	FieldViolations  []*errdetails.BadRequest_FieldViolation
	MissingResources []string
}

func (e *Error) Error() string { return fmt.Sprintf("%s: %s", e.CodeName(), e.Message) }

var codeNames = [...]string{"OK", "CANCELLED", "UNKNOWN", "INVALID_ARGUMENT",
	"DEADLINE_EXCEEDED", "NOT_FOUND", "ALREADY_EXISTS", "PERMISSION_DENIED",
	"RESOURCE_EXHAUSTED", "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE",
	"UNIMPLEMENTED", "INTERNAL", "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}

// CodeName is the code as the AIPs and nml's REST edge spell it: "NOT_FOUND".
func (e *Error) CodeName() string {
	if int(e.Code) < len(codeNames) {
		return codeNames[e.Code]
	}
	return "UNKNOWN"
}

// AsError converts a gRPC error into *Error (nil stays nil).
func AsError(err error) error {
	if err == nil {
		return nil
	}
	s, ok := status.FromError(err)
	if !ok {
		return err
	}
	e := &Error{Code: s.Code(), Message: s.Message()}
	for _, d := range s.Details() {
		switch d := d.(type) {
		case *errdetails.ErrorInfo:
			if e.Reason == "" {
				e.Reason, e.Domain, e.Metadata = d.Reason, d.Domain, d.Metadata
			}
		case *errdetails.BadRequest:
			e.FieldViolations = append(e.FieldViolations, d.FieldViolations...)
		case *errdetails.ResourceInfo:
			e.MissingResources = append(e.MissingResources, d.ResourceName)
		}
	}
	return e
}

// New connects to the services Options names (connections are lazy).
func New(o Options) (*Client, error) {
	if o.Deadline == 0 {
		o.Deadline = 10 * time.Second
	}
	if o.Retries == 0 {
		o.Retries = 4
	} else if o.Retries < 0 {
		o.Retries = 0
	}
	if o.Backoff == 0 {
		o.Backoff = 100 * time.Millisecond
	}
	c := &Client{opts: o}
	creds := grpc.WithInsecure()
	if o.TLS != nil {
		creds = grpc.WithTransportCredentials(credentials.NewTLS(o.TLS))
	}
	dial := func(address string) (*grpc.ClientConn, error) {
		conn, err := grpc.Dial(address, creds,
			grpc.WithUnaryInterceptor(c.unary), grpc.WithStreamInterceptor(c.stream))
		if err == nil {
			c.conns = append(c.conns, conn)
		}
		return conn, err
	}
	if o.Listings != "" {
		conn, err := dial(o.Listings)
		if err != nil {
			return nil, err
		}
		c.Listings = listingsv1.NewListingsServiceClient(conn)
	}
	if o.Responses != "" {
		conn, err := dial(o.Responses)
		if err != nil {
			c.Close()
			return nil, err
		}
		c.Responses = responsesv1.NewResponsesServiceClient(conn)
	}
	return c, nil
}

// Close closes the connections.
func (c *Client) Close() {
	for _, conn := range c.conns {
		conn.Close()
	}
}

func (c *Client) withKey(ctx context.Context) context.Context {
	if c.opts.APIKey == "" {
		return ctx
	}
	return metadata.AppendToOutgoingContext(ctx, "authorization", "Bearer "+c.opts.APIKey)
}

// isRead says whether a method ("/nml.listings.v1.ListingsService/GetReview")
// is a reader's, by the role the contract declares for it: safe to retry.
func isRead(method string) bool {
	name := protoreflect.FullName(strings.ReplaceAll(strings.TrimPrefix(method, "/"), "/", "."))
	d, err := protoregistry.GlobalFiles.FindDescriptorByName(name)
	if err != nil {
		return false
	}
	m, ok := d.(protoreflect.MethodDescriptor)
	if !ok {
		return false
	}
	options, ok := m.Options().(*descriptorpb.MethodOptions)
	return ok && proto.GetExtension(options, apiv1.E_RequiredRole) == apiv1.Role_ROLE_READER
}

func (c *Client) unary(ctx context.Context, method string, req, reply interface{},
	cc *grpc.ClientConn, invoker grpc.UnaryInvoker, opts ...grpc.CallOption) error {
	retry := isRead(method)
	if r, ok := req.(interface{ GetRequestId() string }); ok && r.GetRequestId() != "" {
		retry = true // an idempotent write
	}
	ctx = c.withKey(ctx)
	for attempt := 0; ; attempt++ {
		attemptCtx, cancel := context.WithTimeout(ctx, c.opts.Deadline)
		err := invoker(attemptCtx, method, req, reply, cc, opts...)
		cancel()
		if err == nil {
			return nil
		}
		if !retry || attempt >= c.opts.Retries || status.Code(err) != codes.Unavailable {
			return AsError(err)
		}
		delay := c.opts.Backoff << attempt
		select {
		case <-time.After(delay/2 + time.Duration(rand.Int63n(int64(delay/2)+1))):
		case <-ctx.Done():
			return AsError(err)
		}
	}
}

func (c *Client) stream(ctx context.Context, desc *grpc.StreamDesc, cc *grpc.ClientConn,
	method string, streamer grpc.Streamer, opts ...grpc.CallOption) (grpc.ClientStream, error) {
	s, err := streamer(c.withKey(ctx), desc, cc, method, opts...)
	return s, AsError(err)
}

var errNoListings = errors.New("nml: this client has no listings address")
var errNoResponses = errors.New("nml: this client has no responses address")

// GetReview reads the review of year, with the data version it was read at.
func (c *Client) GetReview(ctx context.Context, year int) (*listingsv1.GetReviewResponse, error) {
	if c.Listings == nil {
		return nil, errNoListings
	}
	return c.Listings.GetReview(ctx, &listingsv1.GetReviewRequest{Name: fmt.Sprintf("reviews/%d", year)})
}

// GetMarket reads a market by name ("markets/aliexpress").
func (c *Client) GetMarket(ctx context.Context, name string) (*listingsv1.GetMarketResponse, error) {
	if c.Listings == nil {
		return nil, errNoListings
	}
	return c.Listings.GetMarket(ctx, &listingsv1.GetMarketRequest{Name: name})
}

// Screen screens URLs or hosts against the list of reviewYear (0: the
// latest), one result per input in order, in calls of at most ScreenBatch.
// A result's Status is LISTED, NOT_LISTED or UNKNOWN (nml lacks the rows to
// tell), with the rule that decided it.
func (c *Client) Screen(ctx context.Context, urls []string, reviewYear int32) ([]*listingsv1.ScreenResult, error) {
	if c.Listings == nil {
		return nil, errNoListings
	}
	var results []*listingsv1.ScreenResult
	for start := 0; start < len(urls); start += ScreenBatch {
		end := start + ScreenBatch
		if end > len(urls) {
			end = len(urls)
		}
		request := &listingsv1.ScreenDomainsRequest{}
		for _, u := range urls[start:end] {
			request.Items = append(request.Items, &listingsv1.ScreenItem{
				Input: u, Options: &listingsv1.ScreenOptions{ReviewYear: reviewYear}})
		}
		answer, err := c.Listings.ScreenDomains(ctx, request)
		if err != nil {
			return nil, err
		}
		results = append(results, answer.Results...)
	}
	return results, nil
}

// EachResponse calls each with every response the AIP-160 filter matches,
// e.g. `review_year = 2021 AND stance = STANCE_OPPOSES`, page by page, until
// the last page or each's error.
func (c *Client) EachResponse(ctx context.Context, filter string, pageSize int32,
	each func(*responsesv1.Response) error) error {
	if c.Responses == nil {
		return errNoResponses
	}
	request := &responsesv1.ListResponsesRequest{Filter: filter, PageSize: pageSize}
	for {
		page, err := c.Responses.ListResponses(ctx, request)
		if err != nil {
			return err
		}
		for _, r := range page.Responses {
			if err := each(r); err != nil {
				return err
			}
		}
		if page.NextPageToken == "" {
			return nil
		}
		request.PageToken = page.NextPageToken
	}
}

// WatchChanges calls each with every listings change after since, as it
// commits, until ctx ends (then it returns nil) or each's error.
func (c *Client) WatchChanges(ctx context.Context, since int64,
	each func(*listingsv1.ResourceChange) error) error {
	if c.Listings == nil {
		return errNoListings
	}
	stream, err := c.Listings.WatchChanges(ctx, &listingsv1.WatchChangesRequest{SinceDataVersion: &since})
	if err != nil {
		return err
	}
	for {
		message, err := stream.Recv()
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return AsError(err)
		}
		for _, change := range message.Changes {
			if err := each(change); err != nil {
				return err
			}
		}
	}
}
