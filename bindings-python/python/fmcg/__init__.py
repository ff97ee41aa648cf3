"""fmcg: an embeddable domain engine for FMCG distributors.

>>> import fmcg
>>> engine = fmcg.Engine()
>>> engine.last_seq
0
"""

from fmcg._fmcg import (
    AlreadyExists,
    Conflict,
    Corrupt,
    CreditLimitExceeded,
    Engine,
    FmcgError,
    InsufficientStock,
    InvalidInput,
    InvalidState,
    Io,
    NotFound,
    PermissionDenied,
    __version__,
    route,
    schema,
)

__all__ = [
    "AlreadyExists",
    "Conflict",
    "Corrupt",
    "CreditLimitExceeded",
    "Engine",
    "FmcgError",
    "InsufficientStock",
    "InvalidInput",
    "InvalidState",
    "Io",
    "NotFound",
    "PermissionDenied",
    "__version__",
    "route",
    "schema",
]
