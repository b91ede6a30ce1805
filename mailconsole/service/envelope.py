"""GenAuth's reply envelope: ``{statusCode, message, apiCode?, requestId?, data?}``, HTTP 200 even for errors."""

from __future__ import annotations

import logging
import uuid
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

log = logging.getLogger("mailconsole.service")


class ServiceError(Exception):
    """A refusal the caller can act on; becomes an envelope with this statusCode and message."""

    def __init__(self, status_code: int, message: str, *, data: Any = None, api_code: int | None = None) -> None:
        super().__init__(message)
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


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def on_service_error(request: Request, err: ServiceError) -> JSONResponse:
        return JSONResponse(error_body(err.status_code, err.message, data=err.data, api_code=err.api_code))

    @app.exception_handler(RequestValidationError)
    async def on_invalid_request(request: Request, err: RequestValidationError) -> JSONResponse:
        first = err.errors()[0]
        name = field_name(tuple(first.get("loc", ())))
        if first.get("type") == "json_invalid":
            message = "The body is not valid JSON."
        elif first.get("type") == "missing":
            message = f"{name} is required."
        else:
            message = f"{name}: {first.get('msg', 'invalid value')}."
        return JSONResponse(error_body(400, message))

    @app.exception_handler(Exception)
    async def on_unexpected(request: Request, err: Exception) -> JSONResponse:
        body = error_body(500, "The service failed unexpectedly; the requestId identifies the fault in its log.")
        log.exception("unexpected error, requestId %s, %s %s", body["requestId"], request.method, request.url.path)
        return JSONResponse(body)
