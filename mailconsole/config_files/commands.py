"""``mailconsole export DIR``, ``plan DIR`` and ``apply DIR``: the command-line side of configuration as code.

Exit status: 0 done (``plan``: nothing would change), 2 (``plan`` only) something would change, 1 an error, a
refused check, a conflict or a declined confirmation.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from pathlib import Path

from mailconsole.config_files.apply import ApplyConflict, apply_plan, apply_smtp_setup, check_config
from mailconsole.config_files.backends import open_backend
from mailconsole.config_files.desired import DesiredConfig, load_config
from mailconsole.config_files.export import export_tenant
from mailconsole.config_files.files import ConfigFileError, read_dir, write_dir
from mailconsole.config_files.plan import Plan, plan_provider, plan_tenant
from mailconsole.console.session import Connection
from mailconsole.console.tenants import SECRETS_FILE, ConfigError
from mailconsole.errors import MailConsoleError

EXIT_OK, EXIT_ERROR, EXIT_CHANGES = 0, 1, 2


def add_commands(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    export = commands.add_parser("export", help="write a tenant's email configuration as files")
    export.add_argument("--all", action="store_true", help="also the templates still at their built-in default")
    plan = commands.add_parser("plan", help="show what apply would change (exit 0: nothing, 2: something)")
    apply = commands.add_parser("apply", help="check a directory, show the plan, and apply it")
    apply.add_argument("--yes", action="store_true", help="apply without asking (for CI)")
    for parser in (export, plan, apply):
        parser.add_argument("dir", type=Path, help="the configuration directory")
        parser.add_argument("--tenant", help=f"a tenant of {SECRETS_FILE} (default: the console's first tenant)")
        parser.add_argument("--data-dir", type=Path, help="an embedded service's data dir, served for the command")
        parser.add_argument("--secrets", type=Path, default=Path(SECRETS_FILE), help="the console's secrets.toml")


def run(args: argparse.Namespace, ask: Callable[[str], str] | None = None) -> int:
    """Run ``export``, ``plan`` or ``apply``; ``ask`` puts apply's question (``input`` by default)."""
    ask = ask or input
    try:
        with open_backend(
            tenant=args.tenant, data_dir=args.data_dir, env=os.environ, secrets_file=args.secrets
        ) as connection:
            if args.command == "export":
                return _export(connection, args.dir, all_templates=args.all)
            return _plan_or_apply(connection, args, ask)
    except (ConfigError, ConfigFileError, ApplyConflict, MailConsoleError) as err:
        print(f"mailconsole {args.command}: {err}", file=sys.stderr)
        return EXIT_ERROR


def _export(connection: Connection, root: Path, *, all_templates: bool) -> int:
    if connection.management is None:
        raise ConfigError(
            "The SMTP set-up API cannot be read back, so there is nothing to export: write provider.yaml by hand "
            "(smtpConfig, with the password as ${SMTP_PASSWORD}) and apply it."
        )
    files = export_tenant(connection.management, all_templates=all_templates)
    write_dir(root, files)
    print(f"Wrote {len(files)} files to {root}.")
    return EXIT_OK


def _plan_or_apply(connection: Connection, args: argparse.Namespace, ask: Callable[[str], str]) -> int:
    applying = args.command == "apply"
    desired, problems = load_config(read_dir(args.dir), os.environ)
    problems += check_config(desired, secrets_needed=applying)
    if problems:
        print("\n".join(problems), file=sys.stderr)
        print(f"mailconsole {args.command}: {len(problems)} problem(s) in {args.dir}; nothing was changed.")
        return EXIT_ERROR
    plan = _plan(connection, desired)
    print(plan.render())
    if not plan.changes:
        return EXIT_OK
    if not applying:
        return EXIT_CHANGES
    if not args.yes and not _confirmed(ask, connection.tenant.name):
        print("Nothing was changed.")
        return EXIT_ERROR
    if connection.smtp_setup is not None and desired.provider is not None:
        apply_smtp_setup(connection.smtp_setup, desired.provider)
        print("provider: applied")
    elif connection.management is not None:
        apply_plan(connection.management, plan)
    return EXIT_OK


def _confirmed(ask: Callable[[str], str], tenant: str) -> bool:
    try:
        return ask(f"Apply these changes to tenant {tenant!r}? Type yes: ").strip() == "yes"
    except EOFError:  # no terminal to answer from: CI says --yes
        print("\nNo answer (no terminal): give --yes to apply without asking.")
        return False


def _plan(connection: Connection, desired: DesiredConfig) -> Plan:
    if connection.management is not None:
        return plan_tenant(connection.management, desired)
    plan = Plan()
    if desired.templates:
        plan.notes.append("(an SMTP set-up backend has no templates: templates/ is left out)")
    if desired.provider is not None:
        plan.provider = plan_provider(None, desired.provider)
    return plan
