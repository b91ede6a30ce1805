"""The source ejs_source makes is the vendored ejs' own, text for text (Template.generateSource, then compile)."""

from __future__ import annotations

import json
import random
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailconsole.rendering import ejs, ejs_source

CORPUS = Path(__file__).with_name("corpus") / "ejs"

# Everything ejs' scanner and writer treat apart: each tag, line breaks, comments, semicolons, quotes, backslashes,
# JavaScript's white space, text outside the Basic Multilingual Plane.
PIECES = ["<%", "<%=", "<%-", "<%_", "<%#", "<%%", "%%>", "%>", "-%>", "_%>", "<", "%", ">", "-", "_", " ", "\t",
          "\n", "\r\n", "\r", "x", "//", "// c", ";", "; ", ";\u00a0", ";\ufeff", ";\x1c", '"', "'", "\\", "\u2028",
          "é", "\U0001d11e", "a.b", "\\n"]  # fmt: skip


@pytest.fixture(scope="module")
def library() -> Iterator[Any]:
    """A context with the vendored ejs: it only compiles here, it never runs a template."""
    context = ejs._new_context()
    context.eval("""
        function ejsSource(textJson) {
          var template = new ejs.Template(JSON.parse(textJson), {});
          try { template.compile(); } catch (error) {
            if (!(error instanceof SyntaxError)) return JSON.stringify({error: String(error.message)});
          }  // a template whose JavaScript does not parse: its source is made all the same
          return JSON.stringify({text: template.templateText, source: template.source});
        }""")
    yield context.get("ejsSource")
    del context


def ours(template: str) -> dict[str, str]:
    try:
        generated = ejs_source.generate(template)
    except ejs_source.MissingCloseTag as err:
        return {"error": str(err)}
    return {"text": generated.text, "source": generated.source}


def theirs(library: Any, template: str) -> dict[str, str]:
    reply: dict[str, str] = json.loads(library(json.dumps(template)))
    return reply


def corpus_templates() -> list[str]:
    return [json.loads(path.read_text(encoding="utf-8"))["template"] for path in sorted(CORPUS.glob("*.json"))]


@pytest.mark.parametrize("template", corpus_templates())
def test_the_corpus_gets_the_source_ejs_makes(library: Any, template: str) -> None:
    assert ours(template) == theirs(library, template)


def test_random_templates_get_the_source_ejs_makes(library: Any) -> None:
    rng = random.Random(10)
    outcomes = set()
    for _ in range(4000):
        template = "".join(rng.choice(PIECES) for _ in range(rng.randint(0, 16)))
        expected = theirs(library, template)
        assert ours(template) == expected, template
        outcomes.add(next(iter(expected)))
    assert outcomes == {"text", "error"}  # both kinds were met


def test_a_tag_without_its_end_is_ejs_own_error(library: Any) -> None:
    for template in ["a <% b", "<%= x %> <%_", "<%# c -%> <%- d"]:
        assert ours(template)["error"].startswith("Could not find matching close tag for")
        assert ours(template) == theirs(library, template)


def test_a_long_run_of_blanks_costs_linear_time() -> None:
    # ejs' /[ \t]*<%_/ tried from each blank of a run that no "<%_" ends: 40 000 blanks took 2.8 s.
    template = " \t" * 20_000 + "x<%_ a _%>"
    started = time.perf_counter()
    generated = ejs_source.generate(template)
    assert time.perf_counter() - started < 0.25
    assert generated.text == template
