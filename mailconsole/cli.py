"""The ``mailconsole`` command: ``mailconsole serve`` runs the embedded email service on its own; ``export``,
``plan`` and ``apply`` keep a tenant's email configuration as files (``mailconsole.config_files``); ``migrate-data``
moves a tenant's state from one database to another (SQLite to PostgreSQL)."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from contextlib import closing
from pathlib import Path

import uvicorn
from pydantic import ValidationError

from mailconsole.config_files.commands import add_commands as add_config_commands
from mailconsole.config_files.commands import run as run_config_command
from mailconsole.service.app import PoolOrigin, create_app
from mailconsole.service.database import database_unavailable, database_url
from mailconsole.service.secret_box import KEY_FILE, SecretBox, SecretKeyError
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store, Userpool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mailconsole", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the GenAuth V3 email API and the SMTP set-up API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8710)
    serve.add_argument("--data-dir", type=Path, help="where the SQLite state lives (default: $MAILCONSOLE_DATA_DIR)")
    serve.add_argument(
        "--database-url",
        help="a PostgreSQL database replicas share, postgresql://user:password@host:port/database (default: "
        "$MAILCONSOLE_DATABASE_URL, else SQLite in the data dir); needs MAILCONSOLE_SECRET_KEY",
    )
    move = commands.add_parser(
        "migrate-data", help="copy a tenant's state into an empty database (secrets stay sealed)"
    )
    move.add_argument("--from", dest="source", required=True, help="sqlite:///path/to/mailconsole.sqlite3")
    move.add_argument("--to", dest="target", required=True, help="postgresql://user:password@host:port/database")
    add_config_commands(commands)
    args = parser.parse_args(argv)
    if args.command == "migrate-data":
        return migrate_data(args.source, args.target)
    if args.command != "serve":
        return run_config_command(args)

    given = {"listen_host": args.host} | ({"data_dir": args.data_dir} if args.data_dir else {})
    if args.database_url:
        given["database_url"] = args.database_url
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
    except (ValueError, SecretKeyError) as err:
        print(f"mailconsole: {err}", file=sys.stderr)
        return 2
    except Exception as err:
        if not database_unavailable(err):
            raise
        print(f"mailconsole: cannot reach the database ({getattr(err, 'orig', None) or err})", file=sys.stderr)
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
    if settings.database_url:
        url = database_url(settings.database_url.get_secret_value()).render_as_string(hide_password=True)
        where = f"database            {url}"
    else:
        where = f"data dir            {settings.data_dir.resolve()}"
    return (
        f"mailconsole service on http://{settings.listen_host}:{port}\n"
        f"  {where}\n"
        f"  user pool id        {userpool.id}\n"
        f"  user pool secret    {secret}\n"
        f"  app id              {userpool.app_id}"
    )


def migrate_data(source: str, target: str) -> int:
    """Copy every row of ``source`` into the empty ``target``, secrets as sealed: the target's replicas then need
    the key the source sealed them with (MAILCONSOLE_SECRET_KEY, or the source data dir's key file)."""
    key = os.environ.get("MAILCONSOLE_SECRET_KEY")
    source_url = database_url(source)
    if not key and source_url.get_backend_name() == "sqlite":
        key_file = Path(str(source_url.database)).parent / KEY_FILE
        if not key_file.exists():
            print(f"mailconsole: no {key_file} and no MAILCONSOLE_SECRET_KEY: which key sealed it?", file=sys.stderr)
            return 2
        key = key_file.read_text().strip()
    if not key:
        print("mailconsole: set MAILCONSOLE_SECRET_KEY to the key the source was sealed with.", file=sys.stderr)
        return 2
    box = SecretBox(key)
    try:
        with closing(Store(source, box)) as origin, closing(Store(target, box)) as destination:
            destination.import_rows(origin.export_rows())
    except (ValueError, SecretKeyError) as err:
        print(f"mailconsole: {err}", file=sys.stderr)
        return 2
    print(
        "mailconsole: copied. Start the replicas with MAILCONSOLE_SECRET_KEY set to the key the source was sealed "
        "with" + ("" if os.environ.get("MAILCONSOLE_SECRET_KEY") else f" (the content of {KEY_FILE})") + ".",
        flush=True,
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
