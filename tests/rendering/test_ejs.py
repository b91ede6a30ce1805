"""EJS: the real library inside QuickJS, with limits, isolation between renders and errors that carry lines."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any

import pytest

from mailconsole.models import TemplateEngine
from mailconsole.rendering import TemplateError, check_template, render_template
from mailconsole.rendering import ejs as ejs_engine
from tests.support import run_in_threads

EJS = TemplateEngine.EJS


def render(source: str, context: dict[str, Any] | None = None) -> str:
    return render_template(source, context or {}, EJS)


def in_engine(source: str, context: dict[str, Any] | None = None) -> str:
    """A render in this process and thread, where prepared contexts live (render workers have their own)."""
    return ejs_engine.render(source, context or {})


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("<%= a %>|<%- a %>", {"a": "<b>&'\""}, "&lt;b&gt;&amp;&#39;&#34;|<b>&'\""),
        ("a<%# comment %>b|<%% literal %%>", {}, "ab|<% literal %>"),
        ("a\n  <% if (x) { -%>\nyes\n  <%_ } _%>\nb", {"x": 1}, "a\n  yes\nb"),
        ("<ul>\n<% items.forEach(function (item) { -%>\n  <li><%= item %></li>\n<% }) -%>\n</ul>",
         {"items": ["a<", "b"]}, "<ul>\n  <li>a&lt;</li>\n  <li>b</li>\n</ul>"),
        ("x <%_ if (true) { _%>  y  <%_ } _%> z", {}, "xyz"),
        ("<%= n %> <%= f %> <%= t %> <%= nul %> <%= l %>", {"n": 1, "f": 1.5, "t": True, "nul": None, "l": [1, 2]},
         "1 1.5 true  1,2"),
        ("<%= locals.user.name %>", {"user": {"name": "N"}}, "N"),
    ],
)  # fmt: skip
def test_renders_like_ejs_on_node(source: str, context: dict[str, Any], expected: str) -> None:
    # Expected outputs are those of ejs 3.1.10 on Node.
    assert render(source, context) == expected


def test_an_endless_loop_is_stopped_within_the_time_limit() -> None:
    """QuickJS's own limit of CPU time, in this process (the render workers' deadline comes on top of it, and a
    runaway worker there runs at the lowest priority: test_bounded.py)."""
    started = time.process_time()  # the limit counts CPU time: a busy machine stretches only the wall clock
    with pytest.raises(TemplateError) as raised:
        ejs_engine.render("before\n<% while (true) {} %>", {})
    assert time.process_time() - started < 1.5
    assert raised.value.message == "the template ran longer than 1 s: look for an endless loop"
    assert raised.value.engine is EJS
    assert render("<%= 'still' %> fine") == "still fine"


def test_memory_and_stack_limits() -> None:
    with pytest.raises(TemplateError, match="out of memory"):
        render("<% var a = []; while (true) a.push('x'.repeat(1e6)); %>")
    with pytest.raises(TemplateError, match="stack overflow") as raised:
        render("\n<% function f() { return f() } f() %>")
    assert raised.value.line == 2


def test_stack_limit_holds_in_another_thread() -> None:
    errors: list[BaseException] = []
    thread = threading.Thread(target=lambda: errors.extend(_raised("<% (function f() { f() })() %>")))
    thread.start()
    thread.join()
    assert len(errors) == 1
    assert isinstance(errors[0], TemplateError)


def _raised(source: str) -> list[BaseException]:
    try:
        render(source)
    except BaseException as err:
        return [err]
    return []


def test_nothing_outside_the_engine_is_reachable() -> None:
    names = ["require", "process", "module", "fetch", "XMLHttpRequest", "std", "os", "scriptArgs", "Deno", "Bun"]
    source = "|".join(f"<%= typeof {name} %>" for name in names)
    assert render(source) == "|".join(["undefined"] * len(names))
    with pytest.raises(TemplateError):
        render("<%- include('/etc/passwd') %>")


def test_a_render_cannot_change_the_next_one() -> None:
    tamper = (
        "<% JSON.parse = function () { return {who: 'tampered'} };"
        " Object.prototype.who = 'tampered'; String.prototype.toString = function () { return 'x' };"
        " globalThis.who = 'tampered'; ejs.render = null %>"
    )
    assert render(tamper) == ""
    assert render("<%= who %>|<%= typeof globalThis.extra %>", {"who": "me"}) == "me|undefined"
    assert render("<%= ({}).who %>") == ""


def next_context() -> Any:
    """The prepared context this thread's next render takes, if any."""
    stock = ejs_engine._stock()
    return stock[-1].context if stock else None


def next_warm() -> dict[str, int]:
    """The templates compiled into the context this thread's next render takes."""
    stock = ejs_engine._stock()
    return stock[-1].warm if stock else {}


@pytest.fixture(autouse=True)
def no_contexts_left_by_other_tests() -> None:
    ejs_engine._stock().clear()


def test_a_prepared_context_serves_one_render_in_the_thread_that_prepared_it() -> None:
    ejs_engine.prepare()
    prepared = next_context()
    ejs_engine.prepare()  # already ready: kept
    assert [each.context for each in ejs_engine._stock()] == [prepared]
    elsewhere = _in_thread(lambda: in_engine("<%= 'other thread' %>"))
    assert elsewhere == "other thread"
    assert next_context() is prepared  # another thread made its own
    assert in_engine("<%= 1 + 1 %>") == "2"
    assert next_context() is None  # taken by that render, never used again
    assert ejs_engine._PREPARED.spent is prepared  # to be freed when the thread is idle
    ejs_engine.prepare()
    assert ejs_engine._PREPARED.spent is None
    assert next_context() is not prepared
    assert in_engine("<%= 'again' %>") == "again"


class RenderWaiting:
    """``between_renders``' question, answered from a script: whether a render waits, after how long a wait."""

    def __init__(self, *answers: bool) -> None:
        self.answers = list(answers)
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> bool:
        self.waits.append(seconds)
        return self.answers.pop(0) if self.answers else False


def test_between_renders_a_worker_readies_a_context_for_each_render_of_a_send() -> None:
    asked = RenderWaiting()
    ejs_engine.between_renders(asked)
    contexts = [each.context for each in ejs_engine._stock()]
    assert len(set(map(id, contexts))) == ejs_engine.PREPARED_CONTEXTS
    # None left: the first is made at once; the others once no render came for a while.
    assert asked.waits == [0] + [ejs_engine.REFILL_PAUSE] * (ejs_engine.PREPARED_CONTEXTS - 1)
    renders = ["<%= 'body' %>", "<%= 'subject' %>", "<%= 'sender' %>"]
    assert [in_engine(source) for source in renders] == ["body", "subject", "sender"]
    assert next_context() is None  # each render took a context of its own


def test_a_render_that_waits_is_served_before_more_contexts_are_made() -> None:
    ejs_engine.prepare()
    asked = RenderWaiting(True)  # the next render of a burst is there within the linger
    ejs_engine.between_renders(asked)
    assert asked.waits == [ejs_engine.LINGER_SECONDS]
    assert len(ejs_engine._stock()) == 1
    asked = RenderWaiting(False, True)  # none within the linger: one is made; then a render comes
    ejs_engine.between_renders(asked)
    assert asked.waits == [ejs_engine.LINGER_SECONDS, ejs_engine.REFILL_PAUSE]
    assert len(ejs_engine._stock()) == 2
    ejs_engine.between_renders(RenderWaiting())
    ejs_engine.between_renders(asked := RenderWaiting())  # full: nothing to do, nothing asked
    assert asked.waits == []
    assert len(ejs_engine._stock()) == ejs_engine.PREPARED_CONTEXTS


def test_prepared_contexts_keep_renders_apart() -> None:
    ejs_engine.prepare()
    assert in_engine("<% Object.prototype.who = 'tampered'; globalThis.left = 1; ejs.render = null %>") == ""
    ejs_engine.prepare()
    assert in_engine("<%= ({}).who %>|<%= typeof left %>|<%= typeof ejs.render %>") == "|undefined|function"


def rendered_twice(source: str, context: dict[str, Any] | None = None) -> list[str]:
    """Two renders of ``source`` in this thread, each in a prepared context, then the next context prepared: from
    the second render on a template is compiled ahead."""
    outputs = []
    for _ in range(2):
        ejs_engine.prepare()
        outputs.append(in_engine(source, context))
    ejs_engine.prepare()
    return outputs


def test_a_template_compiled_ahead_renders_as_when_compiled_in_the_render() -> None:
    source = "<ul>\n<% items.forEach(function (item) { -%>\n  <li><%= item %></li>\n<% }) -%>\n</ul>"
    assert rendered_twice(source, {"items": ["a<", "b"]}) == ["<ul>\n  <li>a&lt;</li>\n  <li>b</li>\n</ul>"] * 2
    assert source in next_warm()
    assert in_engine(source, {"items": ["c"]}) == "<ul>\n  <li>c</li>\n</ul>"
    ejs_engine.prepare()
    assert source in next_warm()
    with pytest.raises(TemplateError) as raised:  # ejs' message and line, as in a compile in the render
        in_engine(source, {"items": None})
    assert raised.value.line == 2
    assert raised.value.message == "TypeError: cannot read property 'forEach' of null"


def test_renders_of_a_template_compiled_ahead_are_kept_apart() -> None:
    tamper = "<%= ({}).who || 'clean' %><% Object.prototype.who = 'tampered'; globalThis.left = 1 %>"
    assert rendered_twice(tamper) == ["clean", "clean"]
    assert tamper in next_warm()
    assert in_engine(tamper) == "clean"
    ejs_engine.prepare()
    assert in_engine("<%= typeof left %>") == "undefined"


def test_another_template_sees_nothing_of_those_compiled_ahead() -> None:
    secret = "<%= 'a tenant of its own' %>"
    rendered_twice(secret)
    assert secret in next_warm()
    # With options in the data ejs compiles in the render, without the global that holds a template's text.
    peek = "<%= typeof __ejsTemplateText %>|<%= JSON.stringify(Object.getOwnPropertyNames(globalThis)) %>"
    seen = in_engine(peek, {"compileDebug": True})
    assert seen.startswith("undefined|")
    assert "tenant" not in seen


def test_only_the_last_small_templates_rendered_again_are_compiled_ahead() -> None:
    sources = [f"<%= {number} %>" for number in range(ejs_engine.WARM_TEMPLATES + 2)]
    large = "<%= 1 %>" + "x" * ejs_engine.WARM_SOURCE_LIMIT
    for source in [*sources, large]:
        rendered_twice(source)
    assert set(next_warm()) == set(sources[-ejs_engine.WARM_TEMPLATES :])
    rendered_twice("<%= locals.delimiter %>", {"delimiter": "%"})  # options in the data: compiled in the render
    assert "<%= locals.delimiter %>" not in next_warm()
    for number in range(3):  # edits in the preview: each text once
        ejs_engine.prepare()
        in_engine(f"<%= 'edit {number}' %>")
    ejs_engine.prepare()
    assert set(next_warm()) == set(sources[-ejs_engine.WARM_TEMPLATES :])


def test_a_context_prepared_long_before_still_gives_the_template_its_whole_time() -> None:
    ejs_engine.prepare()
    started = time.process_time()
    while time.process_time() - started < ejs_engine.TIME_LIMIT_SECONDS * 1.2:
        pass  # quickjs counts CPU time, from the start of each call
    assert in_engine("<% for (var i = 0; i < 1e5; i++) {} %>done") == "done"


def _in_thread(work: Any) -> Any:
    results: list[Any] = []
    thread = threading.Thread(target=lambda: results.append(work()))
    thread.start()
    thread.join()
    return results[0]


def test_concurrent_renders_from_eight_threads_are_correct() -> None:
    barrier = threading.Barrier(8)
    failures: list[str] = []

    def work(thread: int) -> None:
        barrier.wait()
        for round_ in range(12):
            source = "<% for (var i = 0; i < n; i++) { %><%= who %><% } %>#" + str(thread)
            try:
                output = render(source, {"n": round_ % 3 + 1, "who": f"t{thread}r{round_}"})
            except Exception as err:
                output = repr(err)
            if output != f"t{thread}r{round_}" * (round_ % 3 + 1) + f"#{thread}":
                failures.append(output)

    run_in_threads(work, 8)
    assert failures == []


@pytest.mark.parametrize(
    ("source", "line", "message"),
    [
        ("<% ) %>", 1, "SyntaxError: unexpected token in expression: ')'"),
        ("a\nb\n<% if (x { %>", 3, "SyntaxError: expecting ')'"),
        ("<%= 1 %>\n<%- 2 -%>\n<%_ x _%>\n<%# c\nmore %>\n<% ) %>", 6, "SyntaxError"),
        ("a\n\n<%= nope %>", 3, "ReferenceError: 'nope' is not defined"),
        ("a\n<% null.x %>", 2, "TypeError"),
    ],
)
def test_errors_carry_the_template_line(source: str, line: int, message: str) -> None:
    with pytest.raises(TemplateError) as raised:
        render(source)
    assert raised.value.line == line
    assert raised.value.column is None
    assert raised.value.message.startswith(message)
    assert str(raised.value).startswith(f"line {line}: {message}")


def test_check_compiles_without_rendering() -> None:
    check_template("<%= not_in_any_context %>", "ejs")
    with pytest.raises(TemplateError) as raised:
        check_template("ok\n<% } %>", "ejs")
    assert raised.value.line == 2
    assert raised.value.engine is EJS


def test_context_arrives_as_json() -> None:
    context = {"when": object(), "nan": float("nan"), "s": {3}}
    assert render("<%= typeof when %> <%= nan %> <%= JSON.stringify(s) %>", context) == "string  [3]"


def test_any_text_reaches_the_engine_intact() -> None:
    # quickjs's own str conversion would stop at the NUL and crash on the lone surrogate: those go as JSON.
    for text in ["中文 \U0001d11e é", "a\x00b", "\ud800 lone", 'quote " backslash \\ line\u2028']:
        assert render(f"{text}|<%- x %>|<%- '\U0001d11e' %>", {"x": text}) == f"{text}|{text}|\U0001d11e"


def test_vendored_library() -> None:
    vendor = Path(ejs_engine.__file__).with_name("vendor")
    assert "Apache License" in (vendor / "EJS-LICENSE.txt").read_text()
    assert "ejs" in (vendor / "ejs.min.js").read_text()[:2000]
    assert render("<%= typeof ejs.render %>") == "function"


# ---- options in the data: the platform calls ejs.render(template, data) ------------------------------------------


@pytest.mark.parametrize(
    ("source", "context", "expected"),
    [
        ("<p><?= name ?></p><%= name %>", {"name": "N", "delimiter": "?"}, "<p>N</p><%= name %>"),
        ("<%= locals.name %>", {"name": "N", "_with": False}, "N"),
        ("<%= locals.name %>|<%= typeof this %>", {"name": "N", "strict": True}, "N|undefined"),
        ("<%= this.x %>", {"context": {"x": "X"}}, "X"),
        ("<%= this.x %>", {"scope": {"x": "X"}}, "X"),
        ("  <%= name %>  \n\n  next\n", {"name": "N", "rmWhitespace": True}, "N\nnext"),
        ("<%= name %>", {"name": "N", "client": True}, "N"),
        ("<%= name %>", {"name": "N", "debug": True}, "N"),
        ("<%= name %>|<%= localsName %>", {"name": "N", "localsName": "it"}, "N|it"),  # not an option from data
        ("<%= name %>", {"name": "<N>", "escape": "x"}, "&lt;N&gt;"),  # nor this
        ("<%= name %>", {"name": "N", "delimiter": 5}, "<%= name %>"),
    ],
)
def test_options_in_the_data_act_as_in_ejs_render(source: str, context: dict[str, Any], expected: str) -> None:
    # ejs.render(template, data) takes delimiter, scope, context, debug, compileDebug, client, _with, rmWhitespace,
    # strict, filename and async from the data. Expected outputs are those of ejs 3.1.10 on Node.
    assert ejs_engine.render(source, context) == expected


def test_options_in_the_data_that_make_a_template_fail() -> None:
    with pytest.raises(TemplateError, match="'name' is not defined"):  # _with: false, strict: no with(locals)
        ejs_engine.render("<%= name %>", {"name": "N", "strict": True})
    with pytest.raises(TemplateError, match="remove async"):  # a Promise, not a mail
        ejs_engine.render("<%= name %>", {"name": "N", "async": True})


def test_a_filename_in_the_data_reads_no_file(tmp_path: Path) -> None:
    secret = tmp_path / "secret.ejs"
    secret.write_text("SECRET")
    for source in ("<%- include('secret.ejs') %>", f"<%- include({str(secret)!r}) %>"):
        with pytest.raises(TemplateError) as raised:
            ejs_engine.render(source, {"filename": str(tmp_path / "mail.ejs")})
        assert "SECRET" not in str(raised.value)
