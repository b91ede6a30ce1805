"""Handlebars through the hardened pybars3 renderer.

A template is tenant-authored: every injection vector below runs Python in plain pybars3 (shown first) and must
be refused here, without effect. Ordinary Handlebars must keep working and print what handlebars.js 4.7 prints.
"""

from __future__ import annotations

import contextlib
import datetime
import decimal
import random
import re
import sys
import threading
from pathlib import Path
from typing import Any

import pybars
import pytest

from mailconsole.models import TemplateEngine
from mailconsole.rendering import TemplateError, check_template, handlebars, render_template
from tests.support import COMPILE_TIME_VECTORS, CONTEXT, VECTORS, hostile, run_in_threads

# ---- code injection ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("name", VECTORS)
def test_vector_runs_code_in_plain_pybars3(name: str, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    # Most of them break the generated code right after running: what they did is what counts.
    with contextlib.suppress(Exception):
        template = pybars.Compiler().compile(hostile(name, canary))
        if name in COMPILE_TIME_VECTORS:
            assert canary.exists(), "ran at compile time"
        template(CONTEXT, partials={"p": lambda *args, **kwargs: ""})
    assert canary.read_text() == "pwned"


@pytest.mark.parametrize("name", VECTORS)
def test_vector_is_refused_and_runs_nothing(name: str, tmp_path: Path) -> None:
    canary = tmp_path / "canary"
    source = hostile(name, canary)
    with pytest.raises(TemplateError) as checked:
        check_template(source)
    with pytest.raises(TemplateError):
        render_template(source, CONTEXT, partials={"p": "partial"})
    assert not canary.exists()
    assert checked.value.line == 1
    assert checked.value.engine is TemplateEngine.HANDLEBAR


@pytest.mark.parametrize(
    "tree",
    [
        ("escapedexpand", ("path", ["x')+1+('"]), []),
        ("escapedexpand", ("path", ["lookup"]), [("subexpr", ("path", ['x")+1+("']), [])]),
        ("escapedexpand", ("path", ["lookup"]), [("kwparam", "a=1,b", ("literalparam", 1))]),
        ("escapedexpand", ("path", ["lookup"]), [("literalparam", '"a"+str(1)+"b"')]),
        ("escapedexpand", ("path", ["lookup"]), [("literalparam", 1.5)]),
        ("block", "if')+1+('", [], ["template"], []),
        ("rawblock", "raw", [("path", ["x')+1+('"])], "text"),
        ("partial", ("literalparam", '"p"+str(1)'), []),
        ("unknown", "x"),
    ],
)
def test_tree_check_refuses_what_the_tag_scan_would_let_through(tree: Any) -> None:
    # The scan refuses most of these first; the tree check must hold on its own.
    with pytest.raises(handlebars._Rejected):
        handlebars._checked(["template", tree])


def test_string_literals_are_requoted() -> None:
    tree = ["template", ("escapedexpand", ("path", ["lookup"]), [("literalparam", '"a\\"b" "c"')])]
    assert handlebars._checked(tree)[1][2] == [("literalparam", repr('a"bc'))]


def test_random_names_and_strings_never_run_code_or_raise_anything_else() -> None:
    alphabet = ["'", '"', "\\", "\n", "\r", ")", "(", "#", ":", "x", " ", "]", "}", "{", "\x0c", "\u2028", "~"]
    shapes = ["{{[%s]}}", "{{a.[%s]}}", "{{lookup a '%s'}}", '{{lookup a "%s"}}', "{{#each [%s]}}{{/each}}"]
    rng = random.Random(7)
    before = set(vars(sys.modules["builtins"]))
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 10)))
        source = rng.choice(shapes) % text
        with contextlib.suppress(TemplateError):
            assert isinstance(render_template(source, {"a": {"b": 1}}), str)
    assert set(vars(sys.modules["builtins"])) == before


def test_python_attributes_are_out_of_reach(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCONSOLE_PROBE", "s3cret")
    leak = {"s": "{0.__init__.__globals__[sys].modules[os].environ[MAILCONSOLE_PROBE]}"}
    assert "s3cret" in pybars.Compiler().compile("{{s.format}}")(leak)  # str.format on pybars3's Scope
    assert render_template("{{s.format}}", leak) == ""
    for source in ["{{s.[__class__]}}", "{{s.upper}}", "{{#each s.[__class__].[__dict__]}}{{@key}}{{/each}}"]:
        assert render_template(source, {"s": "x"}) == ""


# ---- ordinary Handlebars -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{a.b}} {{a.[c d]}} {{[weird name]}}", {"a": {"b": 1, "c d": 2}, "weird name": 3}, "1 2 3"),
        ("{{missing}}|{{missing.deeper}}|{{a.missing}}", {"a": {}}, "||"),
        ("{{#each items}}{{@index}}{{this}}{{#unless @last}},{{/unless}}{{/each}}", {"items": ["a", "b"]}, "0a,1b"),
        ("{{#each obj}}{{@key}}={{this}};{{/each}}", {"obj": {"k": 1, "j": 2}}, "k=1;j=2;"),
        ("{{#each items}}x{{else}}none{{/each}}", {"items": []}, "none"),
        ("{{#each items}}{{#each this}}{{@../index}}.{{@index}} {{/each}}{{/each}}", {"items": [[1], [2]]}, "0.0 1.0 "),
        ("{{#if a}}T{{else}}F{{/if}}", {"a": 1}, "T"),
        ("{{#if a}}T{{else}}F{{/if}}", {"a": []}, "F"),
        ("{{#if a}}T{{else}}F{{/if}}", {"a": {}}, "T"),
        ("{{#if a includeZero=true}}T{{else}}F{{/if}}", {"a": 0}, "T"),
        ("{{#if a}}A{{else if b}}B{{else}}C{{/if}}", {"b": 1}, "B"),
        ("{{#unless a}}U{{else}}E{{/unless}}", {"a": True}, "E"),
        ("{{#with p}}{{name}}/{{../top}}{{else}}none{{/with}}", {"p": {"name": "n"}, "top": "T"}, "n/T"),
        ("{{#person}}{{name}}{{/person}}{{^none}}-{{/none}}", {"person": {"name": "P"}}, "P-"),
        ("{{{raw}}} {{&raw}} {{raw}}", {"raw": "<b>"}, "<b> <b> &lt;b&gt;"),
        ("a{{!-- c }} --}}b{{! short }}c", {}, "abc"),
        ("  {{~x~}}  |", {"x": "X"}, "X|"),
        ("\\{{x}} {{x}}", {"x": 1}, "{{x}} 1"),
        ("{{lookup obj key}}", {"obj": {"k": "v"}, "key": "k"}, "v"),
        ("{{lookup (lookup a 'b') 'c'}}", {"a": {"b": {"c": 2}}}, "2"),
        ("{{items.length}} {{items.[1]}} {{@root.items.[0]}}", {"items": [5, 6]}, "2 6 5"),
        ("{{n}} {{f}} {{t}} {{z}}", {"n": 1.0, "f": 2.5, "t": False, "z": 0}, "1 2.5 false 0"),
        ("{{l}} {{o}}", {"l": [1, None], "o": {}}, "1, [object Object]"),
        ("<ul>\n  {{#each items}}\n  <li>{{this}}</li>\n  {{/each}}\n</ul>", {"items": ["a"]},
         "<ul>\n  <li>a</li>\n</ul>"),
        ("{{#if a}}\n  yes\n{{else}}\n  no\n{{/if}}\n", {}, "  no\n"),
        ("{{#if a}}\n  yes\n{{else}}\n  no\n{{/if}}", {}, "  no\n"),
        ("{{#each items}}\n{{#if this}}\n{{this}}\n{{^}}\nnone\n{{/if}}\n{{/each}}\n", {"items": [1, 0]}, "1\nnone\n"),
    ],
)  # fmt: skip
def test_renders_like_handlebars_js(source: str, context: dict[str, Any], expected: str) -> None:
    # Expected outputs are those of handlebars.js 4.7.10 on Node.
    assert render_template(source, context) == expected


def test_partials() -> None:
    partials = {"card": "[{{name}}]", "outer": "<{{> card}}>"}
    source = "{{> card}} {{> card name='Q'}} {{> card other}} {{> outer}} {{> (lookup . 'which')}}"
    context = {"name": "N", "other": {"name": "O"}, "which": "card"}
    assert render_template(source, context, partials=partials) == "[N] [Q] [O] <[N]> [N]"


HANDLEBARS_JS_ESCAPES = [("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&#x27;")]
HANDLEBARS_JS_ESCAPES += [("`", "&#x60;"), ("=", "&#x3D;")]


@pytest.mark.parametrize(("char", "entity"), HANDLEBARS_JS_ESCAPES)
def test_escaping_matches_handlebars_js(char: str, entity: str) -> None:
    assert render_template("{{x}}", {"x": f"a{char}b"}) == f"a{entity}b"
    assert render_template("{{{x}}}", {"x": char}) == char


def test_escaping_of_a_whole_string() -> None:
    # handlebars.js 4.7.10: Handlebars.Utils.escapeExpression("&<>\"'`=")
    assert render_template("{{x}}", {"x": "&<>\"'`="}) == "&amp;&lt;&gt;&quot;&#x27;&#x60;&#x3D;"


# ---- errors and their positions ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "line", "column", "message"),
    [
        ("a\nb\n  {{#if x}}\nnever closed", 3, 3, "unclosed block {{#if}}"),
        ("{{#if a}}{{#each b}}{{/each}}", 1, 1, "unclosed block {{#if}}"),
        ("{{#if a}}x{{/if}}\n  {{name", 2, 3, "unterminated tag {{name"),
        ("{{#each a}}\n{{/if}}", 1, 1, "block {{#each}} is closed by {{/if}}"),
        ("x\n{{/if}}", 2, 1, "{{/if}} closes no open block"),
        ("{{#if a}}\n  x\n{{/if}}\n  {{lookup a b=}}\n", 4, 15, "cannot read the tag {{lookup a b=}}"),
        ("a\n{{#if x}}\n {{lookup a 'x}}\n{{/if}}", 3, 2, "cannot read the tag {{lookup a 'x}}"),
        ("{{#foo a}}{{/foo}}", 1, 1, "unknown helper {{#foo}}"),
        ("\n {{foo a}}", 2, 2, "unknown helper {{foo}}"),
        ("{{lookup (nope a) b}}", 1, 1, "unknown helper (nope ...)"),
        ("{{if a}}", 1, 1, "{{if}} is a block helper"),
        ("{{#lookup a 'b'}}{{/lookup}}", 1, 1, "{{lookup}} is not a block helper"),
        ("{{#if}}{{/if}}", 1, 1, "{{#if}} needs an argument"),
        ("ok\n{{!-- never closed", 2, 1, "unclosed comment"),
        ("{{else}}", 1, 1, "{{else}} outside a block"),
        ("{{a.[b'c]}}", 1, 6, 'the name or string "b\'c" is not allowed'),
        ("{{^each x as |y|}}{{/each}}", 1, 1, "block parameters"),
    ],
)
def test_error_positions(source: str, line: int, column: int, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        check_template(source)
    assert (raised.value.line, raised.value.column) == (line, column)
    assert message in raised.value.message
    assert str(raised.value) == f"line {line}, column {column}: {raised.value.message}"


def test_plain_pybars3_truncates_where_we_report() -> None:
    assert pybars.Compiler().compile("before {{#if a}}x")({"a": 1}) == "before "  # the rest is gone
    with pytest.raises(TemplateError, match="unclosed block"):
        render_template("before {{#if a}}x", {"a": 1})


def test_missing_partials() -> None:
    with pytest.raises(TemplateError) as raised:
        check_template("ok\n  {{> footer}}", partials={"header": "h"})
    assert (raised.value.line, raised.value.column, raised.value.message) == (
        2,
        3,
        "the partial 'footer' does not exist",
    )
    with pytest.raises(TemplateError, match="footer"):
        render_template("{{> footer}}", {})
    with pytest.raises(TemplateError, match="could not be found"):
        render_template("{{> (lookup . 'name')}}", {"name": "nowhere"})
    with pytest.raises(TemplateError, match="without end"):
        render_template("{{> loop}}", {}, partials={"loop": "x{{> loop}}"})


# ---- the context ---------------------------------------------------------------------------------------------


class Unprintable:
    def __str__(self) -> str:
        raise RuntimeError("no")


def _self_containing() -> dict[str, Any]:
    loop: dict[str, Any] = {}
    loop["x"] = loop
    return loop


def _deeply_nested(depth: int) -> list[Any]:
    nested: list[Any] = []
    for _ in range(depth):
        nested = [nested]
    return nested


@pytest.mark.parametrize(
    "value",
    [
        datetime.datetime(2026, 11, 20, 14, 30),
        decimal.Decimal("1.10"),
        {1, 2},
        (1, 2),
        b"bytes",
        float("nan"),
        float("inf"),
        {1: "int key", None: "none key"},
        object(),
        Unprintable(),
        _self_containing(),
        _deeply_nested(100),
    ],
)
def test_odd_context_values_render_or_raise_template_error(value: Any) -> None:
    for engine in TemplateEngine:
        source = "{{v}}{{#each v}}{{this}}{{/each}}" if engine is TemplateEngine.HANDLEBAR else "<%= v %>"
        with contextlib.suppress(TemplateError):
            assert isinstance(render_template(source, {"v": value}, engine), str)


def test_odd_arguments_raise_template_error() -> None:
    with pytest.raises(TemplateError, match="mapping"):
        render_template("x", ["not", "a", "mapping"], "ejs")  # type: ignore[arg-type]
    with pytest.raises(TemplateError, match="text"):
        render_template(b"{{x}}", {})  # type: ignore[arg-type]
    with pytest.raises(TemplateError, match="unknown template engine"):
        render_template("x", {}, "mustache")
    assert render_template("{{d}}", {"d": datetime.date(2026, 1, 2)}) == "2026-01-02"
    assert render_template("{{d}}", {"d": 1}, "handlebar") == "1"


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [("{{.}}{{length}}", "bye", "bye3"), ("num: {{.}}", 0, "num: 0"), ("val: {{.}}", False, "val: false"),
     ("{{#each .}}{{.}},{{/each}}|{{length}}", ["a", "b"], "a,b,|2"), ("[{{.}}{{x}}]", None, "[]")],
)  # fmt: skip
def test_a_root_context_that_is_not_an_object_renders(source: str, context: Any, expected: str) -> None:
    # handlebars.js takes any value as the root context (its spec, basic.js); the platform's is always an object.
    assert handlebars.render(source, context) == expected


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{#user.address}}{{city}}{{/user.address}}", {"user": {"address": {"city": "Paris"}}}, "Paris"),
        ("{{^user.nickname}}none{{else}}{{user.nickname}}{{/user.nickname}}", {"user": {}}, "none"),
        ("{{#list}}({{#.}}{{.}}{{/.}}){{/list}}", {"list": [[1, 2], ["a"]]}, "(12)(a)"),
        ("{{#with a}}{{#../x}}{{y}}{{/../x}}{{/with}}", {"a": {}, "x": {"y": "Y"}}, "Y"),
        ('{{#"foo"}}{{.}}{{/"foo"}}', {"foo": ["bar", "baz"]}, "barbaz"),
        ("{{#if n}}{{else a.b}}[{{c}}]{{/if}}", {"a": {"b": {"c": 3}}}, "[3]"),
        ("{{#a.b}}{{.}},{{/a.b}}", {"a": {"b": [1, 2]}}, "1,2,"),
        ("{{#a.b}}yes{{else}}no{{/a.b}}", {"a": {"b": 0}}, "yes"),
        ("{{#a.b}}yes{{else}}no{{/a.b}}", {"a": {"b": []}}, "no"),
        ("{{#[a b]}}{{c}}{{/[a b]}}", {"a b": {"c": 3}}, "3"),
        ("{{#with a}}{{#with ..}}{{x}}{{/with}}{{/with}}", {"a": {}, "x": 5}, "5"),
    ],
)
def test_sections_on_paths_and_literals(source: str, context: dict[str, Any], expected: str) -> None:
    # Issue 10: refused before. Expected outputs are those of handlebars.js 4.7.10 on Node.
    assert handlebars.render(source, context) == expected


def test_segment_literals_and_number_like_names_are_keys() -> None:
    source = '{{[this]}} {{text/[this]}} {{[@alan]/expression}} {{12.34}} {{[a.b]}} {{"a b"}}'
    context = {"this": "T", "text": {"this": "U"}, "@alan": {"expression": "E"}, "12.34": "N", "a.b": "D", "a b": 1}
    assert handlebars.render(source, context) == "T U E N D 1"  # as handlebars.js 4.7.10 prints


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{#hellos}}{{text/this/foo}}{{/hellos}}", "cannot read the path text/this/foo"),
        ("{{foo/../name}}", "cannot read the path foo/../name"),
        ("{{@foo/../name}}", "cannot read the path @foo/../name"),
        ("{{items.0}}", "write items.[0]"),
        ("{{lookup items.0 'x'}}", "write items.[0]"),
    ],
)
def test_paths_handlebars_js_cannot_read_are_refused(source: str, message: str) -> None:
    # handlebars.js 4.7.10 throws "Invalid path" or a parse error for each; {{items.0.name}} it reads.
    with pytest.raises(TemplateError, match=re.escape(message)):
        handlebars.render(source, {"items": [{"name": "N"}]})
    assert handlebars.render("{{items.0.name}} {{this/..}}", {"items": [{"name": "N"}]}) == "N "


def test_partial_names_in_brackets_quotes_and_paths() -> None:
    partials = {"my partial": "M", "x": "X", "404/asdf?.bar": "Q"}
    source = """{{> [my partial]}}|{{> "my partial"}}|{{> 'x'}}|{{> 404/asdf?.bar}}"""
    assert handlebars.render(source, {}, partials) == "M|M|X|Q"  # as handlebars.js 4.7.10 prints
    with pytest.raises(TemplateError, match="the partial 'my partial' does not exist"):
        handlebars.check("{{> [my partial]}}", {})


def test_a_partial_hash_value_of_dot_dot_is_the_parent_context() -> None:
    source = "{{#each dudes}}{{> dude others=..}}{{/each}}"
    context = {"foo": "bar", "dudes": [{"name": "Y"}, {"name": "A"}]}
    assert handlebars.render(source, context, {"dude": "{{others.foo}}{{name}} "}) == "barY barA "


@pytest.mark.parametrize("name", ["helperMissing", "blockHelperMissing"])
def test_internal_helpers_fail_where_they_run_as_in_handlebars_js(name: str) -> None:
    for source in (f"{{{{{name}}}}}", f"{{{{#{name}}}}}x{{{{/{name}}}}}"):
        with pytest.raises(TemplateError, match=f"{name} is an internal helper"):
            handlebars.render(source, {})
        assert handlebars.render(f"{{{{#if f}}}}{source}{{{{/if}}}}ok", {}) == "ok"  # a branch that never runs


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{{a}}}{{{b}}}", {"a": 1, "b": 2}, "3"),
        ("{{{a}}}{{{b}}}{{{c}}}x", {"a": 1, "b": True, "c": 0.5}, "2.5x"),
        ("x{{{a}}}{{{b}}}", {"a": 1, "b": 2}, "x12"),
        ("{{a}}{{{b}}}", {"a": 1, "b": 2}, "12"),
        ("{{#if t}}{{{a}}}{{{b}}}{{/if}}", {"t": 1, "a": 1, "b": 2}, "3"),
        ("{{#with o}}{{{a}}}{{{b}}}{{/with}}{{{c}}}", {"o": {"a": 1, "b": 2}, "c": 4}, "7"),
        ("{{{a}}}{{{b}}}", {"a": 0.1, "b": 0.2}, "0.30000000000000004"),
        ("{{{a}}}{{{b}}}", {"a": [1], "b": 2}, "12"),
        ("{{{c}}}{{> p}}", {"a": 1, "b": 2, "c": 1}, "13"),  # a partial gives text
        ("{{#each l}}{{{this}}}{{{this}}}{{/each}}", {"l": [1, 2]}, "24"),
        # a section on a plain name ends a run: the run is added whole, a last run value by value
        ("{{#o}}y{{/o}}{{{a}}}{{{b}}}{{#o}}y{{/o}}", {"a": 1, "b": 2, "o": True}, "y3y"),
        ("{{#o}}y{{/o}}{{{a}}}{{{b}}}", {"a": 1, "b": 2, "o": True}, "y12"),
        ("{{{a}}}{{#o}}{{{b}}}{{/o}}{{{c}}}{{{c}}}", {"a": 1, "b": 2, "c": 3, "o": True}, "9"),
        ("{{{a}}}{{#o}}x{{/o}}{{{b}}}{{{c}}}", {"a": 1, "b": 2, "c": 3, "o": False}, "123"),
        ("{{#a.b}}{{{c}}}{{/a.b}}{{{c}}}", {"a": {"b": True}, "c": 2}, "4"),  # a section on a path ends none
    ],
)
def test_adjacent_values_add_up_as_javascript_does(source: str, context: dict[str, Any], expected: str) -> None:
    # handlebars.js joins the values of a program with JavaScript's +. Expected: handlebars.js 4.7.10 on Node.
    assert handlebars.render(source, context, {"p": "{{{a}}}{{{b}}}"}) == expected


@pytest.mark.parametrize("source", ["{{~{f}~}}", " {{~{f}~}} ", "{{#if t}} {{~{f}~}} {{/if}}", "{{{f}}}"])
def test_a_falsy_triple_stash_prints_as_in_handlebars_js(source: str) -> None:
    # handlebars.js 4.7.10 prints "false" for each (the issue saw nothing there; 4.7.10 on Node does not agree).
    assert handlebars.render(source, {"f": False, "t": True}) == "false"
    assert handlebars.render("{{#t}}{{{f}}}{{/t}}", {"f": False, "t": 1}) == ""  # the section's context is 1


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("{{#each items as |item i|}}{{i}}:{{item.name}} {{/each}}", {"items": [{"name": "a"}, {"name": "b"}]},
         "0:a 1:b "),
        ("{{#each obj as |v k|}}{{k}}={{v}} {{/each}}", {"obj": {"x": 1, "y": 2}}, "x=1 y=2 "),
        ("{{#with user as |u|}}{{u.name}} {{name}}{{/with}}", {"user": {"name": "N"}}, "N N"),
        ("{{#with a as |x y|}}[{{x}}|{{y}}]{{/with}}", {"a": 1, "y": "ctx"}, "[1|]"),
        ("{{#each items as |item|}}{{this.item}}|{{./item}}|{{../item}}{{/each}}",
         {"items": [{"name": "a", "item": "own"}], "item": "root"}, "own|own|root"),
        ("{{#each items as |item|}}{{#each item.sub as |s|}}{{item.name}}{{s}}{{/each}}{{/each}}",
         {"items": [{"name": "a", "sub": [1, 2]}]}, "a1a2"),
        ("{{#each items as |item|}}{{> p}}{{/each}}", {"items": [{"name": "a"}], "item": "root"}, "[|a]"),
        ("{{#each items as |item|}}{{else}}{{item}}{{/each}}", {"items": [], "item": "root"}, "root"),
        ("{{#users as |u|}}[{{u.name}}]{{/users}}", {"users": [{"name": "A"}]}, "[A]"),
        ("{{#user.list as |u i|}}{{i}}{{u}}{{/user.list}}", {"user": {"list": [5, 6]}}, "0516"),
        ("{{#user as |u|}}[{{u.name}}]{{/user}}", {"user": {"name": "N"}}, "[]"),
        ("{{#if a as |x|}}{{else}}[{{x}}]{{/if}}", {"a": 0, "x": "c"}, "[c]"),
        ("{{#if x}}a{{else each items as |i|}}{{i}}{{/if}}", {"items": [1, 2]}, "12"),
        ("{{#each items as |item|}}\n  {{item}}\n{{/each}}\n", {"items": [1, 2]}, "  1\n  2\n"),
    ],
)  # fmt: skip
def test_block_parameters(source: str, context: dict[str, Any], expected: str) -> None:
    # Expected outputs are those of handlebars.js 4.7.10 on Node.
    assert handlebars.render(source, context, {"p": "[{{item}}|{{name}}]"}) == expected


@pytest.mark.parametrize("source", ["{{#if a as |x|}}[{{x}}]{{/if}}", "{{#t as |u|}}[{{u}}]{{/t}}"])
def test_a_block_parameter_its_helper_gives_no_value_fails_where_it_is_read(source: str) -> None:
    # handlebars.js 4.7.10: "Cannot read properties of undefined (reading '0')"; unread, it renders.
    with pytest.raises(TemplateError, match="has no value"):
        handlebars.render(source, {"a": 1, "t": True})
    assert handlebars.render("{{#if a as |x|}}[]{{/if}}", {"a": 1}) == "[]"


LAYOUTS = {
    "layout": "<h1>{{title}}</h1>{{> @partial-block}}|{{name}}",
    "list": "{{#each .}}{{> @partial-block}}{{/each}}",
    "main": "<main>\n  {{> @partial-block}}\n</main>\n",
    "p": "P({{> @partial-block}})",
    "q": "Q({{> @partial-block}})",
}


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ('{{#> layout title="T"}}<p>{{name}}</p>{{/layout}}', {"name": "N"}, "<h1>T</h1><p>N</p>|N"),
        ("{{#> missing}}fallback {{name}}{{/missing}}", {"name": "N"}, "fallback N"),
        ("<ul>{{#> list items}}<li>{{.}}</li>{{/list}}</ul>", {"items": ["a", "b"]}, "<ul><li>a</li><li>b</li></ul>"),
        ("<div>\n  {{#> main}}\n  body\n  {{/main}}\n</div>\n", {}, "<div>\n<main>\n    body\n</main>\n</div>\n"),
        ("{{#> p}}{{#> q}}x{{/q}}{{/p}}", {}, "P(Q(x))"),
        ('{{#*inline "sig"}}-- {{name}}{{/inline}}{{#with o}}{{> sig}}{{/with}}', {"name": "N", "o": {"name": "O"}},
         "-- O"),
        ('{{> sig}}{{#*inline "sig"}}late{{/inline}}', {}, "late"),  # defined before its program runs
        ('{{#> q}}{{#*inline "sig"}}S{{/inline}}{{/q}}{{#> sig}}none{{/sig}}', {}, "Q()none"),
    ],
)  # fmt: skip
def test_partial_blocks_and_inline_partials(source: str, context: dict[str, Any], expected: str) -> None:
    # Expected outputs are those of handlebars.js 4.7.10 on Node.
    assert handlebars.render(source, context, LAYOUTS) == expected


def test_an_inline_partial_is_defined_in_its_block_only() -> None:
    source = '{{#with o}}{{#*inline "p2"}}in{{/inline}}{{/with}}{{> p2}}'
    with pytest.raises(TemplateError, match="The partial p2 could not be found"):  # as in handlebars.js
        handlebars.render(source, {"o": {}})
    handlebars.check(source, {})  # a partial defined inline need not be given


MISUSED_HELPERS = [
    ("{{foo a}}", 'Missing helper: "foo"', "unknown helper {{foo}}", 1),
    ("{{#bar x}}y{{/bar}}", 'Missing helper: "bar"', "unknown helper {{#bar}}", 1),
    ("{{#if}}y{{/if}}", "#if requires exactly one argument", "{{#if}} needs an argument", 1),
    ("{{#each}}x{{/each}}", "Must pass iterator to #each", "{{#each}} needs an argument", 1),
    ("{{if a}}", "options.fn is not a function", "{{if}} is a block helper", 1),
    ("{{lookup (nope a) b}}", 'Missing helper: "nope"', "unknown helper (nope ...)", 1),
    ("{{#if t}}a{{else foo x}}b{{/if}}", 'Missing helper: "foo"', "unknown helper {{#foo}}", 11),
]


@pytest.mark.parametrize(("source", "node_says", "message", "column"), MISUSED_HELPERS)
def test_a_misused_helper_fails_where_it_runs(source: str, node_says: str, message: str, column: int) -> None:
    # handlebars.js 4.7.10 compiles each of these and throws node_says when the tag runs: not in a dead branch.
    with pytest.raises(TemplateError, match=re.escape(f"line 1, column {column}: {message}")):
        handlebars.render(source, {"a": 1})
    assert handlebars.render(f"{{{{#if f}}}}{source}{{{{else}}}}ok{{{{/if}}}}", {"a": 1}) == "ok"
    with pytest.raises(TemplateError, match=re.escape(message)) as checked:  # check() tells it at once
        handlebars.check(f"x\n{{{{#if f}}}}{source}{{{{/if}}}}")
    assert (checked.value.line, checked.value.column) == (2, 9 + column)


# ---- compile: lock, cache, sys.modules -----------------------------------------------------------------------


def test_concurrent_compiles_from_eight_threads_are_correct() -> None:
    barrier = threading.Barrier(8)
    failures: list[str] = []

    def work(thread: int) -> None:
        barrier.wait()
        for round_ in range(15):
            each = f"{{{{#each items}}}}{{{{this.v{thread}}}}}{{{{#if @last}}}}.{{{{/if}}}}{{{{/each}}}}"
            source = f"<{thread}-{round_}>{each}"
            items = [{f"v{thread}": round_}, {f"v{thread}": thread}]
            try:
                output = render_template(source, {"items": items})
            except Exception as err:
                output = repr(err)
            if output != f"<{thread}-{round_}>{round_}{thread}.":
                failures.append(output)

    run_in_threads(work, 8)
    assert failures == []


def test_compiles_leave_nothing_in_sys_modules() -> None:
    before = len(sys.modules)
    pybars.Compiler().compile("{{plain}}")
    assert len(sys.modules) == before + 1  # what plain pybars3 does each time
    before = len(sys.modules)
    for number in range(200):
        check_template(f"{{{{#if a}}}}{number}{{{{/if}}}}")
    assert abs(len(sys.modules) - before) <= 2


def test_compiled_templates_are_cached_by_source() -> None:
    source = "{{#if cached}}yes{{/if}}"
    assert handlebars.compile_template(source) is handlebars.compile_template(source)
    assert handlebars._compile_cached.cache_info().maxsize == handlebars.CACHE_SIZE == 256
