"""A client for nml's two gRPC services, over the stubs generated from proto/.

The generated stubs (`nml.listings.v1.listings_service_pb2_grpc`, ...) are
the whole API; this layer adds what every caller would otherwise write:
the API key and a deadline on every call, retries of UNAVAILABLE, pages
followed to the end, screening in batches, and errors as exceptions.
"""

from __future__ import annotations

import random
import time
from typing import Callable, Iterable, Iterator, Optional, Sequence, Tuple, TypeVar

import grpc
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message

from nml.api.v1 import auth_pb2
from nml.listings.v1 import listings_service_pb2 as listings_pb
from nml.listings.v1 import listings_service_pb2_grpc as listings_grpc
from nml.listings.v1 import resources_pb2 as listings_resources
from nml.responses.v1 import resources_pb2 as responses_resources
from nml.responses.v1 import responses_service_pb2 as responses_pb
from nml.responses.v1 import responses_service_pb2_grpc as responses_grpc

from .errors import NmlError, from_rpc_error

Request = TypeVar("Request", bound=_message.Message)
Response = TypeVar("Response", bound=_message.Message)
Item = TypeVar("Item", bound=_message.Message)

# ScreenDomains takes at most this many items a call.
SCREEN_BATCH = 1000


def _is_read(method: _descriptor.MethodDescriptor) -> bool:
    """A reader's method, by the role the contract declares for it: safe to
    retry. A write is retried only with a request_id (it is idempotent)."""
    options = method.GetOptions()
    return options.Extensions[auth_pb2.required_role] == auth_pb2.ROLE_READER


class Client:
    """nml-listings and nml-responses, each at its own address (None: that
    service is not used).

    >>> with Client("localhost:50051", "localhost:50052") as nml:
    ...     nml.get_review(2021).review.online_count
    42
    """

    def __init__(
        self,
        listings: Optional[str] = "localhost:50051",
        responses: Optional[str] = "localhost:50052",
        *,
        api_key: Optional[str] = None,
        tls: bool = False,
        root_certificates: Optional[bytes] = None,
        deadline: float = 10.0,
        retries: int = 4,
        backoff: float = 0.1,
        options: Sequence[Tuple[str, object]] = (),
    ) -> None:
        """`api_key` goes as `authorization: Bearer <key>`. `tls` uses the
        system's roots, or `root_certificates` (PEM bytes). `deadline` bounds
        each attempt, in seconds. UNAVAILABLE is retried `retries` times,
        after `backoff` seconds doubling each time, with jitter."""
        if deadline <= 0:
            raise ValueError("deadline must be > 0 seconds")
        if retries < 0:
            raise ValueError("retries must be >= 0")
        self.deadline = deadline
        self.retries = retries
        self.backoff = backoff
        self._metadata: Tuple[Tuple[str, str], ...] = (
            (("authorization", f"Bearer {api_key}"),) if api_key else ()
        )

        def channel(address: str) -> grpc.Channel:
            if tls or root_certificates is not None:
                credentials = grpc.ssl_channel_credentials(root_certificates)
                return grpc.secure_channel(address, credentials, options=options)
            return grpc.insecure_channel(address, options=options)

        # The generated stubs, for every call this class has no method for;
        # None for a service given no address.
        self._channels: list = []
        self.listings: Optional[listings_grpc.ListingsServiceStub] = None
        self.responses: Optional[responses_grpc.ResponsesServiceStub] = None
        if listings:
            self._channels.append(channel(listings))
            self.listings = listings_grpc.ListingsServiceStub(self._channels[-1])
        if responses:
            self._channels.append(channel(responses))
            self.responses = responses_grpc.ResponsesServiceStub(self._channels[-1])

    def close(self) -> None:
        for c in self._channels:
            c.close()

    def __enter__(self) -> "Client":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------ any call

    def call(
        self,
        method: Callable[..., Response],
        request: _message.Message,
        service: _descriptor.ServiceDescriptor,
        name: str,
    ) -> Response:
        """One unary call with the key, the deadline and the retries;
        raises NmlError. `service` and `name` say which method it is."""
        retry = _is_read(service.methods_by_name[name]) or bool(
            getattr(request, "request_id", "")
        )
        attempt = 0
        while True:
            try:
                return method(request, timeout=self.deadline, metadata=self._metadata)
            except grpc.RpcError as error:
                if (
                    not retry
                    or attempt >= self.retries
                    or error.code() != grpc.StatusCode.UNAVAILABLE
                ):
                    raise from_rpc_error(error) from None
            delay = self.backoff * (2**attempt)
            time.sleep(delay / 2 + random.uniform(0, delay / 2))
            attempt += 1

    def _listings(self, name: str, request: _message.Message) -> Response:
        return self._call(self.listings, listings_pb, "ListingsService", name, request)

    def _responses(self, name: str, request: _message.Message) -> Response:
        return self._call(self.responses, responses_pb, "ResponsesService", name, request)

    def _call(
        self, stub: object, module: object, service: str, name: str, request: _message.Message
    ) -> Response:
        if stub is None:
            raise ValueError(f"this client has no address for {service}")
        descriptor = module.DESCRIPTOR.services_by_name[service]  # type: ignore[attr-defined]
        return self.call(getattr(stub, name), request, descriptor, name)

    def pages(
        self,
        call: Callable[[Request], Response],
        request: Request,
        items: str,
    ) -> Iterator[Item]:
        """Every item of a List call, following next_page_token to the end
        (AIP-158). `items` is the repeated field's name."""
        request = type(request).FromString(request.SerializeToString())
        while True:
            page = call(request)
            yield from getattr(page, items)
            if not page.next_page_token:
                return
            request.page_token = page.next_page_token

    # ------------------------------------------------------------ listings

    def get_review(self, year: int) -> listings_pb.GetReviewResponse:
        """The review of `year`, with the data version it was read at."""
        return self._listings(
            "GetReview", listings_pb.GetReviewRequest(name=f"reviews/{year}")
        )

    def get_market(self, name: str) -> listings_pb.GetMarketResponse:
        """A market by name ("markets/aliexpress"); NotFound if none."""
        return self._listings("GetMarket", listings_pb.GetMarketRequest(name=name))

    def list_markets(
        self, filter: str = "", page_size: int = 100
    ) -> Iterator[listings_resources.Market]:
        return self.pages(
            lambda r: self._listings("ListMarkets", r),
            listings_pb.ListMarketsRequest(filter=filter, page_size=page_size),
            "markets",
        )

    def screen(
        self,
        urls: Iterable[str],
        *,
        review_year: int = 0,
        data_version: int = 0,
        batch_size: int = SCREEN_BATCH,
    ) -> Iterator[listings_pb.ScreenResult]:
        """Screens URLs or hosts against the list of `review_year` (0: the
        latest review), one result per input in order, in calls of at most
        `batch_size`. Each result says its `status` (LISTED, NOT_LISTED or
        UNKNOWN) and the rule that decided it; UNKNOWN means nml lacks the
        rows to tell, not "not listed". `data_version` pins an earlier
        answer's data."""
        if not 1 <= batch_size <= SCREEN_BATCH:
            raise ValueError(f"batch_size must be 1..{SCREEN_BATCH}")
        options = listings_pb.ScreenOptions(review_year=review_year)
        batch = []
        for url in urls:
            batch.append(listings_pb.ScreenItem(input=url, options=options))
            if len(batch) == batch_size:
                yield from self._screen(batch, data_version)
                batch = []
        if batch:
            yield from self._screen(batch, data_version)

    def _screen(
        self, items: list, data_version: int
    ) -> Sequence[listings_pb.ScreenResult]:
        answer = self._listings(
            "ScreenDomains",
            listings_pb.ScreenDomainsRequest(items=items, data_version=data_version),
        )
        return answer.results

    def list_changes(
        self, since_data_version: int = 0, page_size: int = 1000
    ) -> Iterator[listings_pb.ResourceChange]:
        """The listings change feed after a data version, to its end now."""
        return self.pages(
            lambda r: self._listings("ListChanges", r),
            listings_pb.ListChangesRequest(
                since_data_version=since_data_version, page_size=page_size
            ),
            "changes",
        )

    def watch_changes(
        self, since_data_version: int = 0, *, timeout: Optional[float] = None
    ) -> Iterator[listings_pb.ResourceChange]:
        """Each listings change after `since_data_version`, as it happens,
        until `timeout` seconds (None: until the stream ends or the caller
        stops iterating). Heartbeats are skipped."""
        if self.listings is None:
            raise ValueError("this client has no listings address")
        stream = self.listings.WatchChanges(
            listings_pb.WatchChangesRequest(since_data_version=since_data_version),
            timeout=timeout,
            metadata=self._metadata,
        )
        try:
            for message in stream:
                yield from message.changes
        except grpc.RpcError as error:
            if timeout is not None and error.code() == grpc.StatusCode.DEADLINE_EXCEEDED:
                return
            raise from_rpc_error(error) from None
        finally:
            stream.cancel()

    # ----------------------------------------------------------- responses

    def list_responses(
        self, filter: str = "", *, order_by: str = "", page_size: int = 100
    ) -> Iterator[responses_resources.Response]:
        """Every response the AIP-160 filter matches, e.g.
        `review_year = 2021 AND stance = STANCE_OPPOSES`, page by page."""
        return self.pages(
            lambda r: self._responses("ListResponses", r),
            responses_pb.ListResponsesRequest(
                filter=filter, order_by=order_by, page_size=page_size
            ),
            "responses",
        )


__all__ = ["Client", "NmlError", "SCREEN_BATCH"]
