"""Fuzzing both engines: whatever the template and the context, ``render_template`` and ``check_template`` give a
str or raise TemplateError, ``lint_template`` gives findings, and no template runs code of its own.

Templates are stitched from fragments of Handlebars, EJS and HTML syntax, the segment-literal injection vectors of
``tests.support`` (pointed at a canary file) and random unicode, lone surrogates included. Bounded and
deterministic (``derandomize``, no example database) so that it runs in seconds and the same way in CI.
"""

from __future__ import annotations

import builtins
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailconsole.models import TemplateEngine
from mailconsole.rendering import LintFinding, TemplateError, check_template, lint_template, render_template
from tests.support import VECTORS

FUZZ = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
CANARY_GLOBAL = "MAILCONSOLE_FUZZ_PWNED"

# fmt: off
HANDLEBARS = [
    "{{", "}}", "{{{", "}}}", "{{{{raw}}}}", "{{{{/raw}}}}", "{{#each ", "{{/each}}", "{{#if ", "{{/if}}",
    "{{#with ", "{{/with}}", "{{#unless ", "{{/unless}}", "{{else}}", "{{else if ", "{{^}}", "{{^", "{{> ", "{{!",
    "{{!--", "--}}", "{{&", "~", "[", "]", "(", ")", "'", '"', "\\", "=", ".", "/", "|", "#", "@root.", "@index",
    "../", "this", "lookup ", "log ", "__class__", "__globals__", "__init__", "__import__", "__builtins__",
    "{{a}}", "{{a.b}}", "{{items}}", "{{[__class__]}}", "{{a.[__dict__]}}", "{{#each items}}{{@key}}{{/each}}",
    "{{lookup a 'b'}}", "{{lookup (lookup a 'b') c}}", "{{#each [a b]}}", "{{s.format}}", "\\{{",
]
EJS = [
    "<%", "%>", "<%=", "<%-", "<%_", "<%#", "<%%", "-%>", "_%>", "%%>", "`", "${", "}", "{", ";", "//", "/*",
    "*/", "/x/", " a ", " locals.a ", " locals ", " typeof ", " var ", " function(x) { ", " => ", "this",
    "constructor", ".constructor('return this')()", "globalThis", "require('fs')", "process", "import('x')",
    "while (true) {}", "'x'.repeat(1e6)", "JSON.parse", "Object.prototype", "__proto__", "eval(", "Function(",
    "<%= a %>", "<%- a %>", "<% if (a) { %>", "<% } %>", "<% items.forEach(function (i) { %>", "<% }) %>",
]
HTML = ["<", ">", "</", "<img", " alt=", "<a href=", "http://", "https://", "<script>", "</script>", "<!--", "-->",
        "<![CDATA[", "&", "&#", ";", "\x00", "\r\n", "\n", " ", "\ud800", "\udfff", "\ufeff", "\u2028"]
NAMES = ["a", "b", "c", "items", "this", "__class__", "__proto__", "constructor", "toString", "valueOf", "length",
         "app_name", "verify_code", ""]
# fmt: on

any_unicode = st.text(st.characters(exclude_categories=()), max_size=8)  # () lets lone surrogates in
vector_names = st.sampled_from(sorted(VECTORS))


def vector(name: str, canary: Path) -> str:
    """An injection vector whose payload writes the canary file, sets a builtin, and reports the attempt."""
    payload = (
        f"__import__('pathlib').Path({str(canary)!r}).write_text('pwned') or "
        f"__import__('builtins').__setattr__({CANARY_GLOBAL!r}, 1)"
    )
    return VECTORS[name].replace("EXPR", payload)


def templates(canary: Path) -> st.SearchStrategy[str]:
    piece = st.one_of(
        st.sampled_from(HANDLEBARS),
        st.sampled_from(EJS),
        st.sampled_from(HTML),
        st.sampled_from(NAMES),
        any_unicode,
        vector_names.map(lambda name: vector(name, canary)),
    )
    return st.lists(piece, max_size=24).map("".join)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | any_unicode,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.sampled_from(NAMES) | any_unicode, children),
    max_leaves=12,
)
contexts = st.dictionaries(st.sampled_from(NAMES) | any_unicode, json_values, max_size=6)
engines = st.sampled_from([TemplateEngine.HANDLEBAR, TemplateEngine.EJS])


@pytest.fixture(scope="module")
def canary(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz") / "canary"


@pytest.fixture(autouse=True)
def nothing_ran(canary: Path) -> Any:
    """After each test, and so after all of its examples: no payload ran."""
    modules = set(sys.modules)
    yield
    assert not canary.exists()
    assert not hasattr(builtins, CANARY_GLOBAL)
    # Plain pybars3 leaves a module per compiled template there; the hardened renderer runs no such code.
    assert not {name for name in set(sys.modules) - modules if name.startswith("pybars")}


def rendered_or_template_error(call: Any, *args: Any) -> str | None:
    """The result of ``call(*args)``: a str, or None after a TemplateError; anything else fails the test."""
    error: TemplateError | None = None
    try:
        result = call(*args)
    except TemplateError as err:
        error = err
    if error is None:
        return result
    assert isinstance(error.message, str)
    assert error.line is None or error.line >= 1
    assert error.column is None or error.column >= 1
    return None


@FUZZ
@given(data=st.data(), context=contexts, engine=engines)
def test_render_and_check_give_text_or_a_template_error(
    data: st.DataObject, context: dict[str, Any], engine: TemplateEngine, canary: Path
) -> None:
    source = data.draw(templates(canary))
    assert rendered_or_template_error(check_template, source, engine) is None
    output = rendered_or_template_error(render_template, source, context, engine)
    assert output is None or isinstance(output, str)
    assert not canary.exists()


@FUZZ
@given(data=st.data(), engine=engines, template_type=st.sampled_from(["LOGIN_VERIFY_CODE", "WELCOME_EMAIL", None]))
def test_lint_gives_findings_for_anything(
    data: st.DataObject, engine: TemplateEngine, template_type: str | None, canary: Path
) -> None:
    source = data.draw(templates(canary))
    subject = data.draw(templates(canary))
    findings = lint_template(source, engine, template_type, subject=subject)
    assert all(isinstance(finding, LintFinding) for finding in findings)
    assert all(finding.line is None or finding.line >= 1 for finding in findings)
    assert not canary.exists()


@settings(FUZZ, max_examples=60)
@given(
    name=vector_names,
    before=st.lists(st.sampled_from(HANDLEBARS + HTML), max_size=6).map("".join),
    after=st.lists(st.sampled_from(HANDLEBARS + HTML), max_size=6).map("".join),
    context=contexts,
)
def test_injection_vectors_in_any_surroundings_run_nothing(
    name: str, before: str, after: str, context: dict[str, Any], canary: Path
) -> None:
    source = before + vector(name, canary) + after
    for engine in TemplateEngine:
        rendered_or_template_error(check_template, source, engine)
        rendered_or_template_error(render_template, source, context, engine)
    assert not canary.exists()
    assert not hasattr(builtins, CANARY_GLOBAL)


@settings(FUZZ, max_examples=40)
@given(name=st.sampled_from(["leak", "constructor", "toString", "__proto__", "ejs", "JSON"]), value=any_unicode)
def test_an_ejs_render_cannot_leave_anything_for_the_next(name: str, value: str) -> None:
    probe = f"<%= typeof globalThis[{name!r}] %>|<%= typeof ({{}}).polluted %>|<%= JSON.stringify([1]) %>"
    fresh = render_template(probe, {}, TemplateEngine.EJS)
    setter = f"<% globalThis[{name!r}] = {value!r}; Object.prototype.polluted = 1; JSON.stringify = null; %>"
    rendered_or_template_error(render_template, setter, {}, TemplateEngine.EJS)
    assert render_template(probe, {}, TemplateEngine.EJS) == fresh


def test_nul_and_lone_surrogates_reach_ejs_intact() -> None:
    """Found by this fuzzer: quickjs 1.19 kills the process (SIGSEGV) on a str with a lone surrogate, which any
    JSON body can carry ("\\ud800"), and cuts a str at a NUL. The template now crosses into JavaScript as JSON.
    In a child process, so that a regression fails this test, not the run."""
    probe = textwrap.dedent(
        """
        from mailconsole.rendering import check_template, render_template
        check_template("ok\\n <%= 1 %>\\ud800", "ejs")
        for source in ("a\\udfff<%= 1 %>", "a\\x00<%= 2 %>"):
            print(ascii(render_template(source, {}, "ejs")))
        """
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout) == (0, "'a\\udfff1'\n'a\\x002'\n"), done.stderr
