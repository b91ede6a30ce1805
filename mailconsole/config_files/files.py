"""The files of a tenant's email configuration, as ``mailconsole export`` writes them and ``plan``/``apply`` read
them::

    provider.yaml                 enabled, type, and each provider type's settings by wire name; every secret a
                                  reference to an environment variable (``senderPass: ${SMTP_PASSWORD}``)
    templates/<TYPE>.yaml         name, subject, sender, customizeEnabled, expiresIn, redirectTo, tplEngine
    templates/<TYPE>.hbs / .ejs   the body, beside it, so that its diff reads like a diff of HTML

YAML is written with a fixed field order, block style and ``|`` blocks for multi-line text: the same state gives
the same bytes, so a git diff shows only real changes. Read back, every value keeps the line it came from, so that
an error can name the file and line.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from mailconsole.models import TemplateEngine, TemplateType

PROVIDER_FILE = "provider.yaml"
TEMPLATES_DIR = "templates"
# The fields of a template file, in the order they are written; the body is the file beside it.
TEMPLATE_FIELDS = ("name", "subject", "sender", "customizeEnabled", "expiresIn", "redirectTo", "tplEngine")
BODY_SUFFIXES = {TemplateEngine.HANDLEBAR: "hbs", TemplateEngine.EJS: "ejs"}

# The environment variable each secret is read from, named after its field.
SECRET_VARIABLES = {
    "smtpConfig.senderPass": "SMTP_PASSWORD",
    "sendGridConfig.apikey": "SENDGRID_API_KEY",
    "aliExmailConfig.senderPass": "ALI_EXMAIL_PASSWORD",
    "tencentExmailConfig.senderPass": "TENCENT_EXMAIL_PASSWORD",
}
_REFERENCE = re.compile(r"\$\{([A-Za-z_][A-Za-z0-9_]*)\}")
_FILE_NAME = re.compile(r"([A-Z_]+)\.(yaml|hbs|ejs)")


class ConfigFileError(ValueError):
    """A configuration file that cannot be used; the message starts with the file (and line) and says what to do."""


def reference(variable: str) -> str:
    return f"${{{variable}}}"


def referenced_variable(value: Any) -> str | None:
    """``SMTP_PASSWORD`` for ``"${SMTP_PASSWORD}"``; None for anything else."""
    match = _REFERENCE.fullmatch(value) if isinstance(value, str) else None
    return match[1] if match else None


def template_paths(template_type: TemplateType | str, engine: TemplateEngine | str) -> tuple[str, str]:
    """The field file and the body file of a template type written in ``engine``."""
    name = f"{TEMPLATES_DIR}/{TemplateType(template_type).value}"
    return f"{name}.yaml", f"{name}.{BODY_SUFFIXES[TemplateEngine(engine)]}"


# ---- writing -------------------------------------------------------------------------------------------------


class _StableDumper(yaml.SafeDumper):
    """Block style; multi-line text as a ``|`` block, so a CA bundle or a long value reads as itself."""


def _text(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value and value == value.strip(" ") and "\r" not in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_StableDumper.add_representer(str, _text)


def dump_yaml(data: Mapping[str, Any], *, comment: str = "") -> str:
    """``data`` in the order given (callers give a fixed one), block style, never folded; ``comment`` lines first."""
    text = yaml.dump(
        dict(data), Dumper=_StableDumper, sort_keys=False, allow_unicode=True, default_flow_style=False, width=10**9
    )
    header = "".join(f"# {line}\n" if line else "#\n" for line in comment.splitlines())
    return header + text


def zip_bytes(files: Mapping[str, str]) -> bytes:
    """The files as a zip, in path order with a fixed timestamp: the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, files[path].encode("utf-8"))
    return buffer.getvalue()


def write_dir(root: Path, files: Mapping[str, str]) -> None:
    """Write ``files`` under ``root``, and remove template files of an earlier export that are not among them
    (a template back at its built-in default has no file)."""
    (root / TEMPLATES_DIR).mkdir(parents=True, exist_ok=True)
    for stale in sorted((root / TEMPLATES_DIR).iterdir()):
        if _FILE_NAME.fullmatch(stale.name) and f"{TEMPLATES_DIR}/{stale.name}" not in files:
            stale.unlink()
    for path, text in files.items():
        target = root / path
        target.parent.mkdir(parents=True, exist_ok=True)
        with target.open("w", encoding="utf-8", newline="") as handle:  # the body's line ends as they are
            handle.write(text)


# ---- reading -------------------------------------------------------------------------------------------------


def read_dir(root: Path) -> dict[str, str]:
    """provider.yaml and the files of templates/ under ``root``, by path relative to it."""
    if not root.is_dir():
        raise ConfigFileError(f"{root}: no such directory; give the directory `mailconsole export` wrote.")
    files: dict[str, str] = {}
    candidates = [root / PROVIDER_FILE, *sorted((root / TEMPLATES_DIR).glob("*"))]
    for path in candidates:
        if not path.is_file():
            continue
        relative = path.relative_to(root).as_posix()
        try:
            with path.open(encoding="utf-8", newline="") as handle:
                files[relative] = handle.read()
        except UnicodeDecodeError:
            raise ConfigFileError(f"{relative}: not UTF-8 text; save it as UTF-8.") from None
    return files


@dataclass
class YamlFile:
    """A YAML mapping and the line (1-based) of each key, by dotted path (``smtpConfig.smtp_host``)."""

    path: str
    data: dict[str, Any]
    lines: dict[str, int] = field(default_factory=dict)

    def where(self, dotted: str | None = None) -> str:
        """``provider.yaml, line 7`` for the key (or its nearest parent) when known, else the file alone."""
        while dotted:
            if dotted in self.lines:
                return f"{self.path}, line {self.lines[dotted]}"
            dotted = dotted.rpartition(".")[0]
        return self.path


def load_yaml(path: str, text: str) -> YamlFile:
    """Parse one file of mappings; ConfigFileError with the line of a syntax error."""
    lines: dict[str, int] = {}
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        if node is not None:
            _record_lines(path, node, "", lines, set())
        data = yaml.safe_load(text)
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = f", line {mark.line + 1}" if mark is not None else ""
        raise ConfigFileError(f"{path}{line}: not valid YAML ({err.problem or err.context}).") from None
    except yaml.YAMLError as err:
        raise ConfigFileError(f"{path}: not valid YAML ({err}).") from None
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path}: expected `field: value` lines (a YAML mapping).")
    return YamlFile(path, data, lines)


def _record_lines(path: str, node: yaml.Node, prefix: str, lines: dict[str, int], seen: set[int]) -> None:
    """The line of every key. A collection met twice is an alias: refused, since a few nested aliases expand to
    billions of values for whoever walks them (and a configuration file needs none)."""
    if not isinstance(node, yaml.CollectionNode):
        return
    if id(node) in seen:
        raise ConfigFileError(
            f"{path}, line {node.start_mark.line + 1}: YAML aliases (*name) are not supported; write the value out."
        )
    seen.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for item in node.value:
            _record_lines(path, item, prefix, lines, seen)
        return
    for key, value in node.value:
        name = f"{prefix}{key.value}"
        lines[name] = key.start_mark.line + 1
        _record_lines(path, value, f"{name}.", lines, seen)
