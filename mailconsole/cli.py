"""The ``mailconsole`` command: ``mailconsole serve`` runs the embedded email service on its own."""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

import uvicorn

from mailconsole.service.app import create_app
from mailconsole.service.settings import ServiceSettings


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="mailconsole", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="serve the GenAuth V3 email API and the SMTP set-up API")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default: loopback only)")
    serve.add_argument("--port", type=int, default=8710)
    serve.add_argument("--data-dir", type=Path, help="where the SQLite state lives (default: $MAILCONSOLE_DATA_DIR)")
    args = parser.parse_args(argv)

    settings = ServiceSettings(data_dir=args.data_dir) if args.data_dir else ServiceSettings()
    try:
        app = create_app(settings)
    except ValueError as err:
        print(f"mailconsole: {err}", file=sys.stderr)
        return 2
    userpool = app.state.userpool
    # The operator needs these to connect a console or an SDK; the secret is printed once, here, on purpose.
    print(
        f"mailconsole service on http://{args.host}:{args.port}\n"
        f"  data dir            {settings.data_dir.resolve()}\n"
        f"  user pool id        {userpool.id}\n"
        f"  user pool secret    {userpool.secret}\n"
        f"  app id              {userpool.app_id}",
        flush=True,
    )
    logging.basicConfig(level=logging.INFO)
    uvicorn.run(app, host=args.host, port=args.port, log_level="info")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
