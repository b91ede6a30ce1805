"""Write the corpus cases of the built-in templates: each as it is (Handlebars) and translated to EJS.

    .venv/bin/python scripts/corpus/builtin_cases.py [CORPUS_DIR]   (default: tests/rendering/corpus)

Each case gets the template and the sample context of its type; an existing "expected" is kept for
``render.js`` to rewrite (scripts/regenerate_corpus.sh runs both). The EJS translation is what an EJS author would
write: ``<%= name %>`` for a value, ``<% if (locals.name) { %>`` for a test (a name missing from the context is an
error in EJS, so tests go through ``locals``). The built-ins use only values, ``#if`` and ``else``: anything else
stops the translation with an error rather than guess.
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
from pathlib import Path
from typing import Any

from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE, sample_context
from mailconsole.service.defaults import DEFAULT_SUBJECTS, default_content

ROOT = Path(__file__).resolve().parents[2]
PREFIX = "builtin-"

_TAG = re.compile(r"{{{?([^{}]*)}}}?")
_NAME = r"[A-Za-z_]\w*"


def to_ejs(source: str) -> str:
    """The EJS translation of a built-in Handlebars template."""
    if "<%" in source or "%>" in source:
        raise ValueError("the template holds EJS delimiters: escape them before translating")

    def tag(match: re.Match[str]) -> str:
        body = match[1].strip()
        if match[0].startswith("{{{") and re.fullmatch(_NAME, body):
            return f"<%- {body} %>"
        if re.fullmatch(_NAME, body) and body != "else":
            return f"<%= {body} %>"
        if condition := re.fullmatch(rf"#if ({_NAME})", body):
            return f"<% if (locals.{condition[1]}) {{ %>"
        if body == "else":
            return "<% } else { %>"
        if body == "/if":
            return "<% } %>"
        raise ValueError(f"no EJS translation for {match[0]!r}")

    return _TAG.sub(tag, source)


def builtin_names() -> list[str]:
    return [str(name) for name in DEFAULT_SUBJECTS] + [ACCOUNT_DELETION_TYPE]


def source_digest(source: str) -> str:
    """What an EJS case records of the Handlebars template it was translated from."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()


def write_case(path: Path, case: dict[str, Any]) -> None:
    """Write ``case`` with its old "expected" (if any) last, where render.js finds it."""
    if path.exists() and "expected" in (old := json.loads(path.read_text(encoding="utf-8"))):
        case["expected"] = old["expected"]
    path.write_text(json.dumps(case, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(corpus: Path) -> None:
    for name in builtin_names():
        source = default_content(name)
        context = sample_context(name)
        write_case(
            corpus / "handlebars" / f"{PREFIX}{name}.json",
            {
                "description": f"The built-in {name} mail with its sample context.",
                "template": source,
                "context": context,
            },
        )
        write_case(
            corpus / "ejs" / f"{PREFIX}{name}.json",
            {
                "description": f"The built-in {name} mail translated to EJS, with its sample context.",
                "translated_from_sha256": source_digest(source),
                "template": to_ejs(source),
                "context": context,
            },
        )
    print(f"wrote {2 * len(builtin_names())} built-in cases to {corpus}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "rendering" / "corpus")
