"""The embedded email service: a FastAPI app built by a factory, so each caller (the CLI, the console, a test)
gets its own app on its own data dir."""

from __future__ import annotations

import enum
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.routing import APIRoute

from mailconsole.rendering.workers import default_pool
from mailconsole.service.auth import MAX_SECRET_FAILURES, CallerScope, TokenIssuer
from mailconsole.service.database import database_url
from mailconsole.service.envelope import install_error_handlers
from mailconsole.service.limits import BodySizeLimit
from mailconsole.service.routes import ROUTERS, smtp_setup
from mailconsole.service.secret_box import SecretBox
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.shared_limits import SharedWindowLimit
from mailconsole.service.store import Store, Userpool


def create_app(settings: ServiceSettings | None = None) -> FastAPI:
    settings = settings or ServiceSettings()
    store = open_store(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        default_pool().warm()  # the render workers' zygote imports both engines now, not at the first preview
        yield
        store.close()

    # The API's map is for the operator's own machine unless they turn it on (MAILCONSOLE_API_DOCS=true).
    docs = settings.serves_api_docs
    app = FastAPI(
        title="mailconsole embedded email service",
        summary="The GenAuth V3 email API and the SMTP set-up API, served locally.",
        lifespan=lifespan,
        docs_url="/docs" if docs else None,
        redoc_url="/redoc" if docs else None,
        openapi_url="/openapi.json" if docs else None,
    )
    app.state.settings = settings
    app.state.store = store
    app.state.issuer = TokenIssuer(store, settings.token_ttl)
    app.state.userpool, app.state.userpool_origin = first_userpool(store, settings)
    # Counted in the database: every replica sees the same wrong secrets and connection tests.
    app.state.secret_throttle = SharedWindowLimit(
        store, "secret-failures", limit=MAX_SECRET_FAILURES, window=settings.secret_failure_window
    )
    app.state.connection_test_limit = SharedWindowLimit(
        store, "connection-tests", limit=settings.connection_tests_per_minute, window=60.0
    )
    # The middleware added last runs first: the error envelope (added by install_error_handlers) wraps them all.
    smtp_setup_paths = [route.path_regex for route in smtp_setup.router.routes if isinstance(route, APIRoute)]
    app.add_middleware(BodySizeLimit, plain_status_paths=smtp_setup_paths)
    app.add_middleware(CallerScope, throttle=app.state.secret_throttle)
    install_error_handlers(app, plain_status_paths=smtp_setup_paths)
    for router in ROUTERS:
        app.include_router(router)
    return app


def open_store(settings: ServiceSettings) -> Store:
    """The store the settings name. On PostgreSQL the sealing key must come from MAILCONSOLE_SECRET_KEY: a key file
    would be one replica's own, and the others could not open what it sealed."""
    key = settings.secret_key.get_secret_value() if settings.secret_key else None
    if database_url(settings.database).get_backend_name() == "postgresql":
        if not key:
            raise ValueError(
                "With MAILCONSOLE_DATABASE_URL (PostgreSQL), set MAILCONSOLE_SECRET_KEY: every replica must seal "
                "secrets with the same key (a long random string, e.g. from `openssl rand -base64 32`)."
            )
        return Store(settings.database, SecretBox(key))
    return Store(settings.database, SecretBox.for_data_dir(settings.data_dir, key))


class PoolOrigin(enum.Enum):
    """Where the served pool's credentials come from: what ``mailconsole serve`` tells the operator."""

    ENVIRONMENT = "the environment (MAILCONSOLE_USERPOOL_ID, MAILCONSOLE_USERPOOL_SECRET)"
    DATA_DIR = "the data dir, generated on an earlier start"
    GENERATED = "generated now and kept (sealed) in the data dir"


def first_userpool(store: Store, settings: ServiceSettings) -> tuple[Userpool, PoolOrigin]:
    """The pool named by the environment, else the one generated on an earlier start, else a new one; the one pool
    served (``Store.serve_only``: another pool's credentials stop working). A pool new to this store writes its
    built-in mails in ``settings.pool_language``; one it had keeps its language."""
    if settings.userpool_id or settings.userpool_secret:
        if not (settings.userpool_id and settings.userpool_secret):
            raise ValueError("Set both MAILCONSOLE_USERPOOL_ID and MAILCONSOLE_USERPOOL_SECRET, or neither.")
        userpool = Userpool(
            id=settings.userpool_id,
            secret=settings.userpool_secret,
            name=settings.app_name,
            app_id=settings.app_id or f"{settings.userpool_id}-app",
        )
        if store.userpool(userpool.id) is None:
            store.keep_pool_language(userpool.id, settings.pool_language)
        store.serve_only(userpool)
        return userpool, PoolOrigin.ENVIRONMENT
    existing = store.first_userpool()
    if existing is not None:
        store.serve_only(existing)
        return existing, PoolOrigin.DATA_DIR
    # Ids shaped like GenAuth's: 24 hex characters.
    generated = Userpool(
        id=secrets.token_hex(12),
        secret=secrets.token_hex(16),
        name=settings.app_name,
        app_id=settings.app_id or secrets.token_hex(12),
    )
    served = store.add_first_userpool(generated)  # replicas starting together on an empty database agree
    if served != generated:
        return served, PoolOrigin.DATA_DIR
    store.keep_pool_language(generated.id, settings.pool_language)
    return generated, PoolOrigin.GENERATED
