"""Write the corpus cases of the built-in templates: each as it is (Handlebars) and translated to EJS.

    .venv/bin/python scripts/corpus/builtin_cases.py [CORPUS_DIR]   (default: tests/rendering/corpus)

It also writes the EJS built-ins the library ships (``mailconsole/service/defaults/NAME.ejs``, and the Chinese ones
in ``defaults/zh-CN/``; their cases are named ``builtin-zh-CN-NAME``). Each case gets
the template and the sample context of its type; an existing "expected" is kept for ``render.js`` to rewrite
(scripts/regenerate_corpus.sh runs both). The EJS translation is ``to_ejs`` of the library.
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path
from typing import Any

from mailconsole.i18n import EN_US, LANGUAGES, Language
from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE, sample_context
from mailconsole.service.defaults import DEFAULT_SUBJECTS, default_content, to_ejs

ROOT = Path(__file__).resolve().parents[2]
DEFAULTS = ROOT / "mailconsole" / "service" / "defaults"
PREFIX = "builtin-"


def case_prefix(language: Language) -> str:
    """``builtin-`` for the English mails (their cases predate the Chinese ones), ``builtin-zh-CN-`` for others."""
    return PREFIX if language == EN_US else f"{PREFIX}{language}-"


def defaults_folder(language: Language) -> Path:
    return DEFAULTS if language == EN_US else DEFAULTS / language


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
    for language in LANGUAGES:
        prefix, which = case_prefix(language), "" if language == EN_US else f" ({language})"
        for name in builtin_names():
            source = default_content(name, language=language)
            context = sample_context(name)
            write_case(
                corpus / "handlebars" / f"{prefix}{name}.json",
                {
                    "description": f"The built-in {name} mail{which} with its sample context.",
                    "template": source,
                    "context": context,
                },
            )
            # The EJS built-in the console offers, shipped beside the Handlebars one.
            (defaults_folder(language) / f"{name}.ejs").write_text(to_ejs(source), encoding="utf-8")
            write_case(
                corpus / "ejs" / f"{prefix}{name}.json",
                {
                    "description": f"The built-in {name} mail{which} translated to EJS, with its sample context.",
                    "translated_from_sha256": source_digest(source),
                    "template": to_ejs(source),
                    "context": context,
                },
            )
    print(f"wrote {2 * len(LANGUAGES) * len(builtin_names())} built-in cases to {corpus}")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "rendering" / "corpus")
