"""nml: the USTR Notorious Markets List and what stakeholders say about it,
over gRPC. `Client` wraps the stubs generated from nml's proto/ (shipped in
this package as `nml.*_pb2` and `nml.*_pb2_grpc`, with their .pyi types)."""

from .client import SCREEN_BATCH, Client
from .errors import (
    Aborted,
    AlreadyExists,
    DeadlineExceeded,
    FailedPrecondition,
    InvalidArgument,
    NmlError,
    NotFound,
    OutOfRange,
    PermissionDenied,
    ResourceExhausted,
    Unauthenticated,
    Unavailable,
)

__version__ = "1.0.0"

__all__ = [
    "Aborted",
    "AlreadyExists",
    "Client",
    "DeadlineExceeded",
    "FailedPrecondition",
    "InvalidArgument",
    "NmlError",
    "NotFound",
    "OutOfRange",
    "PermissionDenied",
    "ResourceExhausted",
    "SCREEN_BATCH",
    "Unauthenticated",
    "Unavailable",
]
