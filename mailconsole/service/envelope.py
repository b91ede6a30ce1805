"""GenAuth's reply envelope: ``{statusCode, message, apiCode?, requestId?, data?}``, HTTP 200 even for errors."""

from __future__ import annotations

import logging
import re
import traceback
import uuid
from collections.abc import Mapping, Sequence
from typing import Any

import pydantic
from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.exceptions import RequestValidationError, ValidationException
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import Headers
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from mailconsole.i18n import EN_US, Language, LocalizedValueError, Text, language_of_request, localized, translated
from mailconsole.service.database import database_unavailable

log = logging.getLogger("mailconsole.service")


class ServiceError(Exception):
    """A refusal the caller can act on; becomes an envelope with this statusCode and message, the message in the
    request's language (``str()`` of a ``Text`` message is its English)."""

    def __init__(self, status_code: int, message: str | Text, *, data: Any = None, api_code: int | None = None) -> None:
        super().__init__(str(message))
        self.status_code = status_code
        self.message = message
        self.data = data
        self.api_code = api_code


def ok(data: Any = None, message: str = "Success") -> dict[str, Any]:
    body: dict[str, Any] = {"statusCode": 200, "message": message}
    if data is not None:
        body["data"] = data
    return body


def error_body(status_code: int, message: str, *, data: Any = None, api_code: int | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {
        "statusCode": status_code,
        "message": message,
        "apiCode": api_code if api_code is not None else status_code * 100,
        "requestId": str(uuid.uuid4()),
    }
    if data is not None:
        body["data"] = data
    return body


def field_name(location: tuple[Any, ...]) -> str:
    """``('body', 'smtpConfig', 'smtp_port')`` -> ``smtpConfig.smtp_port``."""
    parts = [str(part) for part in location if part not in ("body", "query", "header")]
    return ".".join(parts) or "body"


def install_error_handlers(app: FastAPI, *, plain_status_paths: Sequence[re.Pattern[str]] = ()) -> None:
    """The envelope for refusals, invalid requests and unexpected errors. Adds a middleware: call it after adding
    the app's other middleware, so that this one wraps them all. Routes that build their own replies with real
    HTTP statuses (the SMTP set-up API) name their paths in ``plain_status_paths``."""

    @app.exception_handler(ServiceError)
    async def on_service_error(request: Request, err: ServiceError) -> JSONResponse:
        message = translated(err.message, language_of_request(request.headers))
        return JSONResponse(error_body(err.status_code, message, data=err.data, api_code=err.api_code))

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, err: RequestValidationError) -> JSONResponse:
        message = validation_message(err.errors()).in_language(language_of_request(request.headers))
        return JSONResponse(error_body(400, message))

    @app.exception_handler(HTTPException)
    async def on_http_exception(request: Request, err: HTTPException) -> Response:
        # FastAPI raises a bare 400 when the body cannot even be decoded (bad UTF-8, nesting deeper than the JSON
        # parser's recursion limit, an integer of more than 4300 digits): say so in the envelope. Other HTTP
        # errors (unknown path, wrong method) keep their real status, as GenAuth's gateway answers them.
        if err.status_code == 400 and isinstance(err.__cause__, ValueError | RecursionError):
            message = undecodable_body_message(err.__cause__).in_language(language_of_request(request.headers))
            return JSONResponse(error_body(400, message))
        return await http_exception_handler(request, err)

    app.add_middleware(UnexpectedErrorEnvelope, plain_status_paths=plain_status_paths)


def validation_message(errors: Any) -> Text:
    """One sentence about the first error, naming its field (by its wire name, in either language)."""
    first = errors[0]
    loc = tuple(first.get("loc", ()))
    name = field_name(loc)
    kind = first.get("type")
    if kind == "json_invalid":
        return localized("The body is not valid JSON.")
    if kind == "missing":
        return localized("{field} is required.", field=name)
    if loc == ("body",) and kind in ("model_type", "model_attributes_type", "dict_type"):
        if isinstance(first.get("input"), bytes):
            # FastAPI parses only bodies declared as JSON: no content type, or another one, leaves them as bytes.
            return localized("The body must be JSON, sent with content-type: application/json.")
        return localized("The body must be a JSON object.")
    return localized("{field}: {problem}.", field=name, problem=validation_problem(first))


def validation_problem(error: Mapping[str, Any]) -> Text | str:
    """What is wrong with the value, for the kinds of error a caller meets most; pydantic's English otherwise."""
    kind = error.get("type")
    context = error.get("ctx") or {}
    if kind == "value_error" and isinstance(context.get("error"), LocalizedValueError):
        localized_error: LocalizedValueError = context["error"]
        return localized_error.text
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return localized("give a whole number")
    if kind in ("bool_type", "bool_parsing"):
        return localized("give true or false")
    if kind in ("string_type",):
        return localized("give text")
    if kind in ("enum", "literal_error") and "expected" in context:
        return localized("give one of {expected}", expected=context["expected"])
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        limits = {
            "greater_than_equal": localized("give a number of at least {limit}", limit=context.get("ge")),
            "less_than_equal": localized("give a number of at most {limit}", limit=context.get("le")),
            "greater_than": localized("give a number over {limit}", limit=context.get("gt")),
            "less_than": localized("give a number under {limit}", limit=context.get("lt")),
        }
        return limits[kind]
    if kind == "string_too_short":
        return localized("give at least {count} characters", count=context.get("min_length"))
    if kind == "string_too_long":
        return localized("give at most {count} characters", count=context.get("max_length"))
    return str(error.get("msg", "invalid value"))


def undecodable_body_message(cause: BaseException) -> Text:
    if isinstance(cause, UnicodeDecodeError):
        return localized("The body is not valid JSON: it is not UTF-8 text.")
    if isinstance(cause, RecursionError):
        return localized("The body is not valid JSON for this service: it is nested too deeply.")
    if "integer string conversion" in str(cause):
        return localized("The body is not valid JSON for this service: a number in it has more than 4300 digits.")
    return localized("The body is not valid JSON for this service: {reason}.", reason=cause)


class UnexpectedErrorEnvelope:
    """Pure ASGI middleware: an exception no handler took becomes the envelope with statusCode 500 (HTTP 200, as
    GenAuth answers; on ``plain_status_paths`` a real HTTP 500), logged here once with its requestId.

    Starlette's own last resort re-raises the exception for the server to log it verbatim; this one does not, and
    its log leaves out what may quote request data: pydantic's messages quote the invalid input (a stored provider
    with its password, say), so of a validation error only the fields and kinds of the errors are logged.
    """

    def __init__(self, app: ASGIApp, *, plain_status_paths: Sequence[re.Pattern[str]] = ()) -> None:
        self.app = app
        self.plain_status_paths = tuple(plain_status_paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def watched_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, watched_send)
        except Exception as err:
            plain_status = any(pattern.match(scope.get("path", "")) for pattern in self.plain_status_paths)
            # The SMTP set-up API speaks English only, as documented; the GenAuth routes the request's language.
            language = EN_US if plain_status else _language_of_scope(scope)
            status, plain_name = 500, "INTERNAL_SERVER_ERROR"
            body = error_body(500, unexpected_error_message(language))
            if database_unavailable(err):
                # Nothing was half-written (each write is one transaction); the pool reconnects once it is back.
                status, plain_name = 503, "SERVICE_UNAVAILABLE"
                unreachable = localized("The service's database is unreachable; try again in a few seconds.")
                body = error_body(503, unreachable.in_language(language))
                log.warning("database unreachable, requestId %s: %s", body["requestId"], type(err).__name__)
            else:
                log.error(
                    "unexpected error, requestId %s, %s %s\n%s",
                    body["requestId"],
                    scope.get("method"),
                    scope.get("path"),
                    safe_traceback(err),
                )
            if started:
                return
            if plain_status:
                plain = {"status": plain_name, "message": f"{body['message']} ({body['requestId']})"}
                await JSONResponse(plain, status_code=status)(scope, receive, send)
            else:
                await JSONResponse(body)(scope, receive, send)


def unexpected_error_message(language: Language) -> str:
    message = localized("The service failed unexpectedly; the requestId identifies the fault in its log.")
    return message.in_language(language)


def _language_of_scope(scope: Scope) -> Language:
    return language_of_request(Headers(scope=scope))


def safe_traceback(err: BaseException) -> str:
    """The traceback of ``err`` and of the exceptions that led to it, with no local variables, and with the
    messages of validation errors reduced to where and what (never the input)."""
    chain: list[BaseException] = []
    current: BaseException | None = err
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        current = current.__cause__ or (None if current.__suppress_context__ else current.__context__)
    parts = []
    for exc in reversed(chain):
        kind = type(exc)
        frames = "".join(traceback.format_tb(exc.__traceback__))
        parts.append(
            f"Traceback (most recent call last):\n{frames}{kind.__module__}.{kind.__qualname__}: {_safe_str(exc)}"
        )
    return "\n\nwhich led to:\n\n".join(parts)


def _safe_str(exc: BaseException) -> str:
    if isinstance(exc, pydantic.ValidationError | ValidationException):
        errors = exc.errors(include_input=False) if isinstance(exc, pydantic.ValidationError) else exc.errors()
        return "; ".join(f"{field_name(tuple(e.get('loc', ())))}: {e.get('type')}" for e in errors)
    return str(exc)
