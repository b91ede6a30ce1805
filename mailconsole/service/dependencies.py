"""What routes are given: the store, the settings, the caller's user pool (management token or app id), and who
the audit trail names for a management call."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Header, Request

from mailconsole.actor import decode_actor
from mailconsole.i18n import localized
from mailconsole.service.auth import TokenIssuer
from mailconsole.service.envelope import ServiceError
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store, Userpool


# Async although they only read app.state: FastAPI runs a plain def dependency in a worker thread, a hop that cost
# more than what they do (issue 17's read scaling).
async def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


async def get_settings(request: Request) -> ServiceSettings:
    settings: ServiceSettings = request.app.state.settings
    return settings


async def get_issuer(request: Request) -> TokenIssuer:
    issuer: TokenIssuer = request.app.state.issuer
    return issuer


StoreDep = Annotated[Store, Depends(get_store)]
SettingsDep = Annotated[ServiceSettings, Depends(get_settings)]
IssuerDep = Annotated[TokenIssuer, Depends(get_issuer)]


def management_userpool(
    issuer: IssuerDep,
    authorization: Annotated[str | None, Header()] = None,
    x_authing_userpool_id: Annotated[str | None, Header()] = None,
    x_genauth_userpool_id: Annotated[str | None, Header()] = None,
) -> Userpool:
    """The pool the management token is scoped to; a user pool header, when sent, must name the same pool."""
    userpool = issuer.userpool_of(authorization)
    named = x_authing_userpool_id or x_genauth_userpool_id
    if named and named != userpool.id:
        raise ServiceError(403, localized("The user pool header names another pool than the management token's."))
    return userpool


def application_userpool(
    store: StoreDep,
    x_authing_app_id: Annotated[str | None, Header()] = None,
    x_genauth_app_id: Annotated[str | None, Header()] = None,
) -> Userpool:
    app_id = x_authing_app_id or x_genauth_app_id
    if not app_id:
        raise ServiceError(400, localized("Name the application: send its id in the x-authing-app-id header."))
    userpool = store.userpool_for_app(app_id)
    if userpool is None:
        raise ServiceError(404, localized("No application {app_id} exists on this service.", app_id=repr(app_id)))
    return userpool


ManagedPool = Annotated[Userpool, Depends(management_userpool)]
AppPool = Annotated[Userpool, Depends(application_userpool)]


def management_actor(
    userpool: ManagedPool,
    x_mailconsole_actor: Annotated[
        str | None,
        Header(
            description="Who is behind this call, for the audit trail (the console sends its signed-in admin's "
            "email), percent-encoded UTF-8. Without it the access key is named."
        ),
    ] = None,
) -> str:
    """The label the caller gives (it holds a valid management token, so its word is taken), cleaned; else the
    access key, whose id is the id of the pool the token is scoped to."""
    return decode_actor(x_mailconsole_actor) or f"access key {userpool.id}"


ManagementActor = Annotated[str, Depends(management_actor)]
