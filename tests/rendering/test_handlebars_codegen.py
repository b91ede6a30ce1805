"""Code generation for Handlebars: pybars3's code, without its tree grammar, and compiled a section at a time."""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import pytest
from pybars import Compiler

from mailconsole.models import TemplateEngine
from mailconsole.rendering import handlebars, handlebars_codegen, render_template
from mailconsole.rendering.data import plain_context
from mailconsole.rendering.handlebars_runtime import NAMESPACE

CORPUS = Path(__file__).with_name("corpus") / "handlebars"
ENGINE = TemplateEngine.HANDLEBAR

# Beyond the corpus: every kind of node and argument the tree check lets through.
SOURCES = [
    "{{a}} {{{b}}} {{&c}} {{this}} {{.}} {{./d}} {{this/e}} {{a.b.c}} {{../f}} {{@index}} {{@root.g}} {{[h i]}}",
    "{{lookup a 'k'}} {{lookup a \"k\" x=1 y=true z=null w=-2 v='s' u=a.b}} {{lookup (lookup a 'b') 'c'}}",
    "{{#if a}}A{{else if b}}B{{else}}C{{/if}}{{#unless a}}U{{/unless}}{{^a}}N{{^}}Y{{/a}}",
    "{{#each items}}{{@index}}{{this}}{{else}}none{{/each}}{{#with p}}{{name}}{{else}}{{/with}}{{#a}}x{{/a}}",
    "{{{{raw}}}} {{not parsed}} {{{{/raw}}}}{{!-- c --}}{{! c }}\\{{escaped}}",
    "{{> card}} {{> card a}} {{> card x=1 y=a.b}} {{> (lookup . 'name')}}\n  {{> card}}\n",
    "{{#if (lookup a 'b')}}{{#each (lookup a 'c') }}{{#if @first}}[{{/if}}{{/each}}{{/if}}",
    "",
    "text only\nwith lines\r\n",
]


def corpus_sources() -> list[str]:
    sources = list(SOURCES)
    for path in sorted(CORPUS.glob("*.json")):
        case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
        sources.append(case["template"])
        sources.extend((case.get("partials") or {}).values())
    return sources


def pybars3_code(tree: list[Any]) -> str:
    builder = Compiler._compiler.globals["builder"]
    builder._reset()
    return str(Compiler._compiler(tree).apply("compile")[0].code)


@pytest.mark.parametrize("source", corpus_sources())
def test_the_code_is_what_pybars3_generates(source: str) -> None:
    _, tree = handlebars._checked_tree(source)
    assert handlebars_codegen.generate(tree) == pybars3_code(tree)
    for section in handlebars_codegen._sections(tree):
        assert handlebars_codegen.generate(["template", *section]) == pybars3_code(["template", *section])


@pytest.mark.parametrize(
    "tree",
    [
        ["template", ("unknown", "x")],
        ["template", ("comment", "text")],  # pybars3's grammar would silently drop what follows
        ["template", ("escapedexpand", ("path", []), [])],
        ["template", ("escapedexpand", ("path", ["a"]), [("kwparam", "k", ("kwparam", "j", ("literalparam", 1)))])],
        ("template",),
    ],
)
def test_a_tree_the_check_would_not_pass_gets_no_code(tree: Any) -> None:
    with pytest.raises(ValueError, match=r"not a|no code"):
        handlebars_codegen.generate(tree)


def test_an_edit_recompiles_only_the_section_it_changed() -> None:
    lines = [f"<p>{{{{#if a{number}}}}}{{{{b{number}}}}}{{{{/if}}}} line {number}</p>\n" for number in range(40)]
    source = "".join(lines)
    context = {f"a{number}": True for number in range(40)} | {"b7": "<seven>"}
    # In this process, where the cache is (each render worker has its own).
    assert handlebars.render(source, context).count("<p>") == 40
    before = handlebars_codegen._SECTIONS.compiles
    output = handlebars.render(source.replace("line 20", "line twenty"), context)
    assert handlebars_codegen._SECTIONS.compiles - before == 1
    assert "line twenty" in output and "&lt;seven&gt;" in output


def test_the_section_cache_keeps_the_recent_code_within_its_budget() -> None:
    cache = handlebars_codegen._SectionCache(budget=1500)
    codes = [handlebars_codegen.generate(["template", ("literal", f"text {number} " * 40)]) for number in range(6)]
    assert 500 < len(codes[0]) < 750
    renders = [cache.compiled(code) for code in codes]
    assert cache.size <= 1500 and list(cache.sections) == codes[-2:]
    assert cache.compiled(codes[-1]) is renders[-1] and cache.compiles == 6
    assert cache.compiled(codes[0]) is not renders[0] and cache.compiles == 7  # dropped, compiled again
    assert renders[3]({}) == "text 3 " * 40


def test_sections_render_as_one_template_does() -> None:
    source = "head\n{{#each items}}\n{{> row}}\n{{/each}}\n{{title}}\n{{#if a}}\n{{b}}\n{{/if}}\ntail"
    partials = {"row": "<{{this}}>\n{{> cell}}", "cell": "({{@root.title}})\n"}
    context = {"items": ["x", "y"], "title": "T&", "a": 1, "b": "B"}
    _, tree = handlebars._checked_tree(source)
    assert len(handlebars_codegen._sections(tree)) == 2  # cut before each top-level text with a line break
    assert render_template(source, context, partials=partials) == "head\n<x>\n(T&amp;)\n<y>\n(T&amp;)\nT&amp;\nB\ntail"


def test_random_templates_print_the_same_in_sections_as_in_one_function() -> None:
    rng = random.Random(11)
    leaves = ["{{a}}", "{{{b}}}", "{{@index}}", "{{this}}", "{{> p}}", "\n", "  ", "x", "{{~a~}}", "{{../a}}",
              "{{lookup o 'k'}}", "{{!c}}", "\r\n", "{{@root.a}}", "{{@key}}", "\n  {{> p}}\n"]  # fmt: skip
    blocks = [("{{#if a}}", "{{/if}}"), ("{{#each l}}", "{{/each}}"), ("{{#with o}}", "{{/with}}"),
              ("{{#each o}}", "{{/each}}"), ("\n{{#unless b}}\n", "\n{{/unless}}\n")]  # fmt: skip

    def template(depth: int) -> str:
        parts = []
        for _ in range(rng.randint(0, 5)):
            if depth < 3 and rng.random() < 0.3:
                opening, closing = rng.choice(blocks)
                inverse = rng.choice(["", "", "{{else}}x", "\n{{else}}\n{{a}}"])
                parts.append(opening + template(depth + 1) + inverse + closing)
            else:
                parts.append(rng.choice(leaves))
        return "".join(parts)

    data = plain_context({"a": "A&", "b": "<i>", "l": [1, {"k": 2}, [3]], "o": {"k": "v", "n": None}}, ENGINE)
    partials = {"p": handlebars.compile_template("[{{this}}]\n").render}
    for _ in range(300):
        source = template(0)
        _, tree = handlebars._checked_tree(source)
        namespace = dict(NAMESPACE)
        exec(compile(handlebars_codegen.generate(tree), "<one function>", "exec"), namespace)  # noqa: S102
        one_function = namespace["render"](data, partials=partials)
        assert handlebars.compile_template(source).render(data, partials=partials) == one_function, source


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("a\n{{{x}}}{{{y}}}", "a\n12"),  # after text, JavaScript's + joins as text: "a\n" + 1 + 2
        ("{{{x}}}{{{y}}}\nb", "3\nb"),  # from the start it adds: 1 + 2 + "\nb"
        ("{{{x}}}\n{{{x}}}{{{y}}}\n{{{y}}}{{{y}}}", "1\n12\n22"),
    ],
)
def test_values_join_across_sections_as_in_one_javascript_sum(source: str, expected: str) -> None:
    assert handlebars.render(source, {"x": 1, "y": 2}) == expected  # as handlebars.js 4.7.10 prints them
