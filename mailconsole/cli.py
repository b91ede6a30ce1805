"""The ``mailconsole`` command: ``mailconsole serve`` runs the embedded email service on its own; ``export``,
``plan`` and ``apply`` keep a tenant's email configuration as files (``mailconsole.config_files``)."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from mailconsole.config_files.commands import add_commands as add_config_commands
from mailconsole.config_files.commands import run as run_config_command
from mailconsole.service.app import PoolOrigin, create_app
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Userpool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mailconsole", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the GenAuth V3 email API and the SMTP set-up API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8710)
    serve.add_argument("--data-dir", type=Path, help="where the SQLite state lives (default: $MAILCONSOLE_DATA_DIR)")
    add_config_commands(commands)
    args = parser.parse_args(argv)
    if args.command != "serve":
        return run_config_command(args)

    given = {"listen_host": args.host} | ({"data_dir": args.data_dir} if args.data_dir else {})
    try:
        settings = ServiceSettings(**given)
        app = create_app(settings)
    except ValidationError as err:  # a setting the operator mistyped: the sentence, without pydantic's frame
        for error in err.errors():
            message = error["msg"].removeprefix("Value error, ")
            setting = "MAILCONSOLE_" + "_".join(str(part) for part in error["loc"]).upper()
            print(
                f"mailconsole: {message if message.startswith(setting) else f'{setting}: {message}'}", file=sys.stderr
            )
        return 2
    except ValueError as err:
        print(f"mailconsole: {err}", file=sys.stderr)
        return 2
    print(banner(app.state.userpool, app.state.userpool_origin, settings, args.port), flush=True)
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info", **settings.uvicorn_options())
    return 0


def banner(userpool: Userpool, origin: PoolOrigin, settings: ServiceSettings, port: int) -> str:
    """What the operator needs to connect a console or an SDK. The secret only right after generating it: this
    output lands in journald or docker logs, and the operator who set it in the environment knows it already."""
    if origin is PoolOrigin.GENERATED:
        secret = f"{userpool.secret}  (generated now, shown only this once; kept sealed in the data dir)"
    else:
        secret = f"(not shown) from {origin.value}"
    return (
        f"mailconsole service on http://{settings.listen_host}:{port}\n"
        f"  data dir            {settings.data_dir.resolve()}\n"
        f"  user pool id        {userpool.id}\n"
        f"  user pool secret    {secret}\n"
        f"  app id              {userpool.app_id}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
