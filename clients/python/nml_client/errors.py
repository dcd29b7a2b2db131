"""Errors from nml as Python exceptions.

Every failed call raises `NmlError` (or the subclass for its code), carrying
the gRPC status code, the message, and the `google.rpc.ErrorInfo` reason the
service attaches to every error (AIP-193), so code can branch on `reason`
instead of reading messages.
"""

from __future__ import annotations

from typing import Dict, List, Optional, Tuple

import grpc
from google.rpc import error_details_pb2, status_pb2

_DETAILS_KEY = "grpc-status-details-bin"


class NmlError(Exception):
    """A call nml refused or could not answer."""

    def __init__(
        self,
        code: grpc.StatusCode,
        message: str,
        reason: str = "",
        domain: str = "",
        metadata: Optional[Dict[str, str]] = None,
        field_violations: Optional[List[Tuple[str, str]]] = None,
        missing_resources: Optional[List[str]] = None,
    ) -> None:
        super().__init__(f"{code.name}: {message}")
        self.code = code
        self.message = message
        # google.rpc.ErrorInfo: e.g. RESOURCE_NOT_FOUND, ETAG_MISMATCH.
        self.reason = reason
        self.domain = domain
        self.metadata: Dict[str, str] = dict(metadata or {})
        # google.rpc.BadRequest: (field, description) for each bad field.
        self.field_violations: List[Tuple[str, str]] = list(field_violations or [])
        # google.rpc.ResourceInfo: the names asked for that do not exist.
        self.missing_resources: List[str] = list(missing_resources or [])


class InvalidArgument(NmlError):
    """INVALID_ARGUMENT: the request is wrong; `field_violations` says where."""


class NotFound(NmlError):
    """NOT_FOUND: `missing_resources` names what does not exist."""


class AlreadyExists(NmlError):
    """ALREADY_EXISTS."""


class PermissionDenied(NmlError):
    """PERMISSION_DENIED: the API key's role may not make this call."""


class Unauthenticated(NmlError):
    """UNAUTHENTICATED: no API key, or an unknown one."""


class FailedPrecondition(NmlError):
    """FAILED_PRECONDITION."""


class Aborted(NmlError):
    """ABORTED: e.g. reason ETAG_MISMATCH, read the resource again."""


class OutOfRange(NmlError):
    """OUT_OF_RANGE: e.g. a change feed follower too far behind."""


class ResourceExhausted(NmlError):
    """RESOURCE_EXHAUSTED: the service is overloaded or the answer too big."""


class Unavailable(NmlError):
    """UNAVAILABLE after the client's retries."""


class DeadlineExceeded(NmlError):
    """DEADLINE_EXCEEDED: the call's deadline passed."""


_BY_CODE = {
    grpc.StatusCode.INVALID_ARGUMENT: InvalidArgument,
    grpc.StatusCode.NOT_FOUND: NotFound,
    grpc.StatusCode.ALREADY_EXISTS: AlreadyExists,
    grpc.StatusCode.PERMISSION_DENIED: PermissionDenied,
    grpc.StatusCode.UNAUTHENTICATED: Unauthenticated,
    grpc.StatusCode.FAILED_PRECONDITION: FailedPrecondition,
    grpc.StatusCode.ABORTED: Aborted,
    grpc.StatusCode.OUT_OF_RANGE: OutOfRange,
    grpc.StatusCode.RESOURCE_EXHAUSTED: ResourceExhausted,
    grpc.StatusCode.UNAVAILABLE: Unavailable,
    grpc.StatusCode.DEADLINE_EXCEEDED: DeadlineExceeded,
}


def from_rpc_error(error: grpc.RpcError) -> NmlError:
    """The NmlError for a failed call, with its rich error details."""
    code = error.code() if hasattr(error, "code") else grpc.StatusCode.UNKNOWN
    message = error.details() if hasattr(error, "details") else str(error)
    fields = {}
    trailers = error.trailing_metadata() if hasattr(error, "trailing_metadata") else None
    for key, value in trailers or ():
        if key != _DETAILS_KEY:
            continue
        status = status_pb2.Status()
        try:
            status.ParseFromString(value)
        except Exception:  # a malformed trailer: keep code and message
            break
        violations: List[Tuple[str, str]] = []
        missing: List[str] = []
        for detail in status.details:
            info = error_details_pb2.ErrorInfo()
            bad = error_details_pb2.BadRequest()
            resource = error_details_pb2.ResourceInfo()
            if detail.Unpack(info) and "reason" not in fields:
                fields.update(
                    reason=info.reason, domain=info.domain, metadata=dict(info.metadata)
                )
            elif detail.Unpack(bad):
                violations += [(v.field, v.description) for v in bad.field_violations]
            elif detail.Unpack(resource):
                missing.append(resource.resource_name)
        fields.update(field_violations=violations, missing_resources=missing)
    cls = _BY_CODE.get(code, NmlError)
    return cls(code, message or "", **fields)
