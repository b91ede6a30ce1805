"""Our renderers print what the platform's engines print, byte for byte: handlebars.js 4.7 and ejs on Node.

The corpus (``corpus/handlebars/*.json``, ``corpus/ejs/*.json``: template, context, partials, expected) holds
outputs made once by those engines on Node, so this runs without Node. ``scripts/regenerate_corpus.sh`` remakes
them, and the cases of the built-in templates from ``mailconsole/service/defaults``. Where the engines part on
purpose, ``KNOWN_DIFFERENCES`` says so, and the tests at the end check each sentence.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from typing import Any

import pybars
import pytest

from mailconsole.i18n import EN_US, LANGUAGES, Language
from mailconsole.models import TemplateEngine, TemplateType
from mailconsole.rendering import TemplateError, check_template, ejs, handlebars, render_template
from mailconsole.rendering.samples import ACCOUNT_DELETION_TYPE, sample_context
from mailconsole.service.defaults import DEFAULT_SUBJECTS, default_content, default_template

CORPUS = Path(__file__).with_name("corpus")
BUILTIN_PREFIX = "builtin-"
BUILTINS = [str(name) for name in DEFAULT_SUBJECTS] + [ACCOUNT_DELETION_TYPE]
# The English built-ins' cases keep their old names; the Chinese ones are builtin-zh-CN-NAME.
BUILTIN_PREFIXES: dict[Language, str] = {
    language: BUILTIN_PREFIX if language == EN_US else f"{BUILTIN_PREFIX}{language}-" for language in LANGUAGES
}
BUILTIN_CASES = [f"{prefix}{name}" for prefix in BUILTIN_PREFIXES.values() for name in BUILTINS]
REGENERATE = "run scripts/regenerate_corpus.sh"


def cases(folder: str) -> list[Path]:
    return sorted((CORPUS / folder).glob("*.json"))


def load(path: Path) -> dict[str, Any]:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    assert "expected" in case, f"{path.name} has no expected output yet: {REGENERATE}"
    return case


@pytest.mark.parametrize("path", cases("handlebars"), ids=lambda path: path.stem)
def test_handlebars_prints_what_handlebars_js_prints(path: Path) -> None:
    case = load(path)
    output = render_template(case["template"], case["context"], TemplateEngine.HANDLEBAR, partials=case.get("partials"))
    assert output == case["expected"]


@pytest.mark.parametrize("path", cases("ejs"), ids=lambda path: path.stem)
def test_ejs_prints_what_ejs_on_node_prints(path: Path) -> None:
    case = load(path)
    assert render_template(case["template"], case["context"], TemplateEngine.EJS) == case["expected"]


def test_the_corpus_covers_every_builtin_template_in_both_engines_and_more() -> None:
    for folder in ("handlebars", "ejs"):
        names = {path.stem for path in cases(folder)}
        assert set(BUILTIN_CASES) <= names, REGENERATE
        assert len(names) - len(BUILTIN_CASES) >= 15  # focused cases beyond the built-ins
    assert len(cases("handlebars")) + len(cases("ejs")) >= 60


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", BUILTINS)
def test_builtin_cases_are_those_of_the_current_builtin_templates(name: str, language: Language) -> None:
    source = default_content(name, language=language)
    prefix = BUILTIN_PREFIXES[language]
    hbs = load(CORPUS / "handlebars" / f"{prefix}{name}.json")
    assert (hbs["template"], hbs["context"]) == (source, sample_context(name)), f"{name} changed: {REGENERATE}"
    translation = load(CORPUS / "ejs" / f"{prefix}{name}.json")
    assert translation["translated_from_sha256"] == hashlib.sha256(source.encode()).hexdigest(), REGENERATE
    assert translation["context"] == sample_context(name)
    # The EJS built-in the library ships is this translation, whose output ejs on Node printed.
    assert default_content(name, TemplateEngine.EJS, language) == translation["template"], REGENERATE


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("template_type", list(DEFAULT_SUBJECTS))
def test_the_builtin_template_in_ejs_renders_as_the_handlebars_one(template_type: str, language: Language) -> None:
    context = sample_context(template_type)
    hbs, ejs_template = (
        default_template(TemplateType(template_type), language=language),
        default_template(TemplateType(template_type), TemplateEngine.EJS, language),
    )
    assert ejs_template.tpl_engine == TemplateEngine.EJS
    for field in ("subject", "sender", "content"):
        # The engines escape differently ("=" only in Handlebars, "'" as &#x27; or &#39;): compare the text.
        expected = html.unescape(render_template(getattr(hbs, field), context, TemplateEngine.HANDLEBAR))
        assert html.unescape(render_template(getattr(ejs_template, field), context, TemplateEngine.EJS)) == expected


def test_the_corpus_was_made_with_the_ejs_build_we_vendor() -> None:
    engines = json.loads((CORPUS / "engines.json").read_text(encoding="utf-8"))
    vendored = Path(ejs.__file__).with_name("vendor") / "ejs.min.js"
    assert engines["ejs_min_js_sha256"] == hashlib.sha256(vendored.read_bytes()).hexdigest()
    assert engines["ejs"] == "3.1.10"
    assert engines["handlebars"].startswith("4.7.")


@pytest.mark.parametrize(
    "name",
    ["escape-seven-characters", "standalone-not-standalone", "partial-standalone-indent", "numbers", "parent-depths"],
)
def test_plain_pybars3_fails_the_cases_we_pass(name: str) -> None:
    # What the corpus is for: each of these shows a way plain pybars3 parts from handlebars.js.
    case = load(CORPUS / "handlebars" / f"{name}.json")
    compiler = pybars.Compiler()
    partials = {key: compiler.compile(text) for key, text in case.get("partials", {}).items()}
    assert compiler.compile(case["template"])(case["context"], partials=partials) != case["expected"]
    assert render_template(case["template"], case["context"], partials=case.get("partials")) == case["expected"]


@pytest.mark.parametrize(
    ("source", "message"),
    [
        ("{{#if a}}A{{else}}B{{else}}C{{/if}}", "has had its {{else}}"),
        ("{{#if a}}A{{else}}B{{else if b}}C{{/if}}", "has had its {{else}}"),
        ("{{^a}}A{{else if b}}B{{/a}}", "cannot follow {{^...}}"),
        ("{{#if a}}y{{ /if}}", "no space may come between {{ and /"),
        ("{{ #if a}}y{{/if}}", "no space may come between {{ and #"),
        ("{{name}}}", "ends with }}}"),
        ("{{lookup}}", "lookup takes an object and a field"),
        ("{{lookup a 'b' 'c'}}", "lookup takes an object and a field"),
    ],
)
def test_what_handlebars_js_refuses_is_refused(source: str, message: str) -> None:
    # handlebars.js 4.7.10 throws for each of these (a parse error, or an error at render).
    with pytest.raises(TemplateError, match=re.escape(message)):
        render_template(source, {"a": {"b": 1}, "name": "N"})


# ---- known differences: each sentence, checked --------------------------------------------------------------


def test_every_known_difference_is_one_sentence_for_admins() -> None:
    for sentence in handlebars.KNOWN_DIFFERENCES + ejs.KNOWN_DIFFERENCES:
        assert sentence[:1].isupper() and sentence.endswith(".") and ". " not in sentence.rstrip(".")


def _difference(module: Any, start: str) -> str:
    found = [sentence for sentence in module.KNOWN_DIFFERENCES if sentence.startswith(start)]
    assert len(found) == 1
    return str(found[0])


def test_block_parameters_named_as_helpers_call_the_helper() -> None:
    sentence = _difference(handlebars, "Block parameters named as a helper")
    source, inverted = re.findall(r"{{[#^]each items as \|\w+\|}}(?:{{\w+}})?", sentence)
    with pytest.raises(TemplateError, match="lookup takes an object and a field"):  # handlebars.js 4.7.10: "1"
        render_template(source + "{{/each}}", {"items": [1]})
    with pytest.raises(TemplateError, match=re.escape("need a {{#...}} block")):
        check_template(inverted + "{{/each}}")
    assert render_template("{{#each items as |item i|}}{{i}}:{{item}} {{/each}}", {"items": ["a", "b"]}) == "0:a 1:b "


def test_partial_blocks_with_a_computed_name_are_refused() -> None:
    assert "{{#> (lookup this 'name')}}" in _difference(handlebars, "Partial blocks with a computed name")
    with pytest.raises(TemplateError, match="a partial block names its partial"):
        check_template("{{#> (lookup . 'name')}}x{{/x}}")
    partials = {"layout": "<div>{{> @partial-block}}</div>"}
    assert render_template("{{#> layout}}x{{/layout}}", {}, partials=partials) == "<div>x</div>"


@pytest.mark.parametrize("source", ["a{{* deco}}b", "{{#*deco}}x{{/deco}}"])
def test_decorators_but_inline_are_refused_as_in_handlebars_js(source: str) -> None:
    # handlebars.js 4.7.10: 'Missing decorator: "deco"', even where the tag never runs.
    with pytest.raises(TemplateError, match="decorators"):
        render_template(f"{{{{#if f}}}}{source}{{{{/if}}}}", {})


def test_decimal_numbers_as_arguments_are_refused() -> None:
    assert "ratio=1.5" in _difference(handlebars, "Numbers with a decimal point")
    with pytest.raises(TemplateError):
        check_template("{{> card ratio=1.5}}", partials={"card": "{{ratio}}"})
    assert render_template("{{> card}}", {"ratio": 1.5}, partials={"card": "{{ratio}}"}) == "1.5"


def test_some_malformed_names_are_read() -> None:
    sentence = _difference(handlebars, "A few malformed names")
    examples = re.findall(r"{{[^}]*}}", sentence)
    assert examples == ["{{.name}}", "{{a.[b}}", "{{a@b}}"]
    for source in examples:  # handlebars.js refuses each of them
        assert isinstance(render_template(source, {"name": "N", "a": {"b": "B"}}), str)
    # {{name.}} is no longer read: refused, as there.
    with pytest.raises(TemplateError, match=re.escape("cannot read the path name.")):
        render_template("{{name.}}", {"name": "N"})


def test_names_with_quotes_or_backslashes_are_refused() -> None:
    sentence = _difference(handlebars, "Names that hold a quote")
    examples = re.findall(r"{{[^}]*}}", sentence)
    assert examples == ['{{"foo\'bar"}}', "{{[a\\b]}}"]
    for source in examples:  # handlebars.js prints the value of the key foo'bar, a\b
        with pytest.raises(TemplateError, match="is not allowed"):
            render_template(source, {"foo'bar": "x", "a\\b": "y"})


def test_lookup_and_log_as_blocks_fail_where_they_run() -> None:
    assert "{{#lookup a 'b'}}{{/lookup}}" in _difference(handlebars, "Lookup and log as blocks")
    context = {"a": {"b": "<i>"}}
    with pytest.raises(TemplateError, match="not a block helper"):  # handlebars.js 4.7.10 prints <i>
        render_template("{{#lookup a 'b'}}{{/lookup}}", context)
    assert render_template("{{lookup a 'b'}}", context) == "&lt;i&gt;"


def test_ejs_has_no_intl() -> None:
    assert "1,234.5" in _difference(ejs, "Templates run in QuickJS")
    source = "<%= typeof Intl %>|<%= (1234.5).toLocaleString() %>"
    assert render_template(source, {}, TemplateEngine.EJS) == "undefined|1234.5"


def test_ejs_dates_print_without_the_time_zone_name() -> None:
    assert "(Coordinated Universal Time)" in _difference(ejs, "Date's toString()")
    output = render_template("<%= new Date(0).toString() %>|<%= new Date(0).toTimeString() %>", {}, "ejs")
    assert re.fullmatch(r"\w{3} \w{3} \d\d \d{4} \d\d:\d\d:\d\d GMT[+-]\d{4}\|\d\d:\d\d:\d\d GMT[+-]\d{4}", output)


def test_ejs_templates_see_no_node_globals() -> None:
    sentence = _difference(ejs, "Node's globals")
    names = re.search(r"\((.*)\)", sentence)
    assert names is not None
    for name in names[1].split(", "):
        assert render_template(f"<%= typeof {name} %>", {}, "ejs") == "undefined", name
