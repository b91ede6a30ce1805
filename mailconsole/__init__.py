"""mailconsole: a typed client of the GenAuth V3 email API, and an embedded service that serves the same API.

The console (Streamlit) lives beside this package and only uses its public names below.
"""

__version__ = "0.1.0"

from mailconsole.client import AuthenticationClient, ManagementClient, SmtpSetupClient
from mailconsole.errors import (
    APIConnectionError,
    APIError,
    APITimeoutError,
    ConflictError,
    ForbiddenError,
    InvalidArgumentError,
    MailConsoleError,
    NotFoundError,
    ProviderError,
    ServerError,
    ThrottledError,
    UnauthorizedError,
)

__all__ = [
    "APIConnectionError",
    "APIError",
    "APITimeoutError",
    "AuthenticationClient",
    "ConflictError",
    "ForbiddenError",
    "InvalidArgumentError",
    "MailConsoleError",
    "ManagementClient",
    "NotFoundError",
    "ProviderError",
    "ServerError",
    "SmtpSetupClient",
    "ThrottledError",
    "UnauthorizedError",
    "__version__",
]
