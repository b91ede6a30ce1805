"""EJS templates, rendered by the real ``ejs`` library (vendored, see ``scripts/update_ejs.sh``) inside QuickJS.

An EJS template is JavaScript written by a tenant. QuickJS has no file system, network, ``require`` or
``process``; each render also gets a fresh QuickJS context with a CPU-time, memory and stack limit. A fresh
context buys a lot: a template that patches ``JSON.parse`` or ``Object.prototype`` cannot see or change the next
render (another tenant's mail), a context is never touched by two threads (quickjs crashes then), and nothing is
left in a bad state by a timeout. The price is that a compiled template cannot be kept from one render to the next;
instead each prepared context gets the thread's last few templates that were rendered more than once compiled in
before a render takes it (compiling runs none of a template's code): that cuts ``render`` of a built-in template
from about 0.39 ms to 0.10 ms (no source to generate, no function to compile).

Compiling has two steps in ejs: writing the JavaScript source of the template (``generateSource``), then making a
function of it (``Template.compile``). In QuickJS the first took about 1 ms for a mail, so ``ejs_source`` does it
in Python (ejs' rules, checked against the library text for text), and the context runs ejs' own
``Template.compile`` on that source (0.3 ms with the render).

A fresh context with ejs loaded costs about 2 ms (0.1 ms the context, the rest evaluating ``ejs.min.js``; the
quickjs binding offers neither a second context on one runtime nor bytecode to load). That is paid ahead of time:
``prepare()`` readies a context for the calling thread's next render, which takes it (a render without one makes
its own), and a worker keeps a few ready while it waits between renders (``between_renders``). A prepared context
has never run a template, is used by one render only, and only in the thread that prepared it.

The output is ejs' on Node, byte for byte (``tests/rendering/corpus``), except for ``KNOWN_DIFFERENCES``.
"""

from __future__ import annotations

import functools
import json
import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

import quickjs

from mailconsole.i18n import Text, localized
from mailconsole.models import TemplateEngine
from mailconsole.rendering import ejs_source
from mailconsole.rendering.data import plain_context
from mailconsole.rendering.errors import TemplateError, TemplateLimitError

# Where a render here and ejs on Node part, for admins (the library is the same; the JavaScript engine is not);
# tests/rendering/test_fidelity.py checks each.
KNOWN_DIFFERENCE_TEXTS: tuple[Text, ...] = (
    localized(
        "Templates run in QuickJS, which has no Intl: {first} and {second} print numbers and dates without a "
        "locale's format ({plain} rather than {formatted}).",
        first="toLocaleString()",
        second="toLocaleDateString()",
        plain="1234.5",
        formatted="1,234.5",
    ),
    localized(
        "Date's {first} and {second} leave out the time zone's name ({short} rather than {long}).",
        first="toString()",
        second="toTimeString()",
        short="GMT+0000",
        long="`GMT+0000 (Coordinated Universal Time)`",  # Node's output, as it prints it: code
    ),
    localized(
        "Node's globals do not exist in a template ({names}): use plain JavaScript.",
        names="console, process, Buffer, setTimeout, structuredClone, URL, TextEncoder, fetch",
    ),
)
# Their English, which the fidelity tests match cases against.
KNOWN_DIFFERENCES: tuple[str, ...] = tuple(str(text) for text in KNOWN_DIFFERENCE_TEXTS)

TIME_LIMIT_SECONDS = 1
MEMORY_LIMIT = 64 * 1024 * 1024
STACK_LIMIT = 1024 * 1024

_ENGINE = TemplateEngine.EJS
_LIBRARY = Path(__file__).with_name("vendor") / "ejs.min.js"
_PREPARED = threading.local()  # .stock: the thread's prepared contexts (_Prepared), the next render's last;
# .spent: its last render's context, to be freed; .recent: the templates to compile into the next one prepared;
# .seen: the templates rendered once lately.
# A send renders a template's body, subject and sender one after another, and so does the preview: a thread keeps
# that many contexts ready (a worker readies them while it waits, see between_renders), so that none of the three
# waits for a context to be made (2.6 ms each).
PREPARED_CONTEXTS = 3
# After a render a worker waits this long for the next one of a burst before it spends 2.6 ms readying a context,
# and it readies one at once, in place of the one taken; the others only after renders paused for REFILL_PAUSE. A
# render that arrives while a context is made waits for it: were the stock refilled at once, renders that come
# every few milliseconds (edits, sends) would each meet the making of a second one (1.9 ms each in the bench).
LINGER_SECONDS = 0.0005
REFILL_PAUSE = 0.02
# Each context that is prepared gets the thread's last few templates that were rendered more than once
# compiled in, while nothing waits for it: a render of one of them then only runs it (each send renders the content,
# subject and sender of a template; the preview renders the same text again when the data changes). A template
# rendered once is only noted: an edit in the preview is new text each time, and compiling it ahead would be wasted.
# Compiling takes about 0.03 ms per KB of generated source, so what is compiled ahead is bounded in number and size.
WARM_TEMPLATES = 4
WARM_SOURCE_LIMIT = 64 * 1024  # characters of template and generated source, for a template to be compiled ahead
SEEN_TEMPLATES = 16

# The platform calls ejs.render(template, data), which takes a few options from the data (ejs 3.1.10's
# _OPTS_PASSABLE_WITH_DATA): so does this, but for debug, whose only effect is a console.log of the compiled code
# (QuickJS has no console). None of them reaches a file or the network here: QuickJS has neither (filename only
# names the template in errors and includes, which fail without a file system).
OPTIONS_FROM_DATA = (
    "delimiter", "scope", "context", "compileDebug", "client", "_with", "rmWhitespace", "strict", "filename", "async",
)  # fmt: skip

# Runs once per context, after the library. Without options in the data it compiles with ejs' own Template.compile,
# given the source that ejs_source made (as Template.generateSource would have); with them, ejs.compile writes the
# source itself. EJS compiles with `new Function(...)`; while it does, Function is wrapped to keep the generated
# body, whose "__line = N" marks tell the template line of a syntax error.
_GLUE = r"""
var renderTemplate, renderedAsObject, precompile, renderWarm;
(function (ejs, NativeFunction, parse, stringify) {
  var OPTIONS_FROM_DATA = /* OPTIONS_FROM_DATA */ [];
  var lastBody = "";
  function RecordingFunction() {
    lastBody = arguments[arguments.length - 1];
    return NativeFunction.apply(this, arguments);
  }
  // ejs' client mode reads Function.prototype.toString while compiling.
  RecordingFunction.prototype = NativeFunction.prototype;
  // The scope option makes ejs warn on the console while compiling, which QuickJS has not: a silent one then.
  var silentConsole = {log: function () {}, warn: function () {}, error: function () {}};
  function templateLine(generatedLine) {
    var lines = lastBody.split("\n").slice(0, Math.max(generatedLine - 2, 0));  // 2 lines of function header
    for (var i = lines.length - 1; i >= 0; i--) {
      var mark = /__line = (\d+)/.exec(lines[i]);
      if (mark) return Number(mark[1]);
    }
    return null;
  }
  function optionsFrom(data) {
    var options = {};
    for (var i = 0; data !== null && typeof data === "object" && i < OPTIONS_FROM_DATA.length; i++) {
      var name = OPTIONS_FROM_DATA[i];
      if (typeof data[name] !== "undefined" && Object.prototype.hasOwnProperty.call(data, name)) {
        options[name] = data[name];
      }
    }
    return options;
  }
  // The Template of this context's render, made while the context is prepared: nothing in it depends on the text
  // (the constructor compiles a regular expression for the delimiters, 0.035 ms of a render).
  var prepared = new ejs.Template("", {});
  // Template.compile writes the text into the function as a JSON literal, the __lines of its error messages:
  // 0.02 ms to write and 0.02 ms to parse again for a 4 KB mail. While it compiles here, that literal is the name of
  // a global that holds the text; the function reads it on entry, before any code of the template runs.
  var TEXT_GLOBAL = "__ejsTemplateText";
  function stringifyTextAsGlobal(text) {
    return function (value) {
      return arguments.length === 1 && value === text ? TEXT_GLOBAL : stringify.apply(JSON, arguments);
    };
  }
  function compile(text, source, options, template) {
    globalThis.Function = RecordingFunction;
    globalThis.console = silentConsole;
    try {
      if (source === null) return ejs.compile(text, options);
      template.templateText = text;
      template.source = source;
      Object.defineProperty(globalThis, TEXT_GLOBAL, {value: text, writable: true, configurable: true});
      JSON.stringify = stringifyTextAsGlobal(text);
      return template.compile();
    } catch (error) {
      if (error instanceof SyntaxError) error.templateLine = templateLine(error.lineNumber);
      throw error;
    } finally {
      globalThis.Function = NativeFunction;
      JSON.stringify = stringify;
      delete globalThis.console;
    }
  }
  function describe(error, stage) {
    var isError = error instanceof Error;
    return {
      error: isError ? error.name : "Error",
      message: isError ? String(error.message) : String(error),
      line: (isError && error.templateLine) || null,
      stage: stage
    };
  }
  // The rendered text goes to Python as a string, unless quickjs would cut it at a NUL: then as an object, which
  // Python reads as JSON. A lone surrogate makes quickjs fail to return the string: Python then asks again here.
  var lastHtml = "";
  renderedAsObject = function () { return {html: lastHtml}; };
  renderTemplate = function (text, source, json, asJson) {
    var template, data = json === null ? null : parse(json);
    warm = [];  // not needed: let them go
    if (asJson) { text = parse(text); source = parse(source); }
    try {
      template = compile(text, source, optionsFrom(data), prepared || new ejs.Template("", {}));
    } catch (error) {
      return describe(error, "compile");
    } finally {
      prepared = null;
    }
    if (data === null) return "";
    return run(template, data);
  };
  // Templates of earlier renders, compiled while the context was prepared (ejs.py: _precompile); a render of one
  // of them only runs it. Compiling runs no code of the template, and the global that compile() leaves with the
  // text is removed again: a render of another template sees none of them.
  var warm = [];
  precompile = function (text, source, asJson) {
    if (asJson) { text = parse(text); source = parse(source); }
    try {
      warm.push({text: text, template: compile(text, source, null, new ejs.Template("", {}))});
      return warm.length - 1;
    } catch (error) {
      return -1;
    } finally {
      delete globalThis[TEXT_GLOBAL];
    }
  };
  renderWarm = function (index, json) {
    var entry = warm[index];
    warm = [];
    Object.defineProperty(globalThis, TEXT_GLOBAL, {value: entry.text, writable: true, configurable: true});
    return run(entry.template, parse(json));
  };
  function run(template, data) {
    var html;
    try { html = template(data); } catch (error) { return describe(error, "render"); }
    if (typeof html !== "string") {  // async: true in the data gives a Promise, not a mail
      return describe(new Error("the template gives no text"), "no-text");  // worded in Python
    }
    lastHtml = html;
    return html.indexOf("\0") === -1 ? html : renderedAsObject();
  }
})(ejs, Function, JSON.parse, JSON.stringify);
"""

# EJS' runtime errors read "ejs:3\n    1| ...\n >> 3| ...\n\n<message>".
_RUNTIME_CONTEXT = re.compile(r"^[^\n]*:(\d+)\n.*?\n\n(.*)$", re.DOTALL)


def check(source: str) -> None:
    """Compile ``source`` with EJS; raise TemplateError when it does not compile."""
    _run(source, None)


def render(source: str, context: Mapping[str, Any]) -> str:
    data = plain_context(context, _ENGINE)
    # Options in the data change how ejs writes the template's source: then ejs writes it, in the context.
    with_options = isinstance(data, dict) and any(name in data for name in OPTIONS_FROM_DATA)
    return _run(source, json.dumps(data), own_source=not with_options)


class _Prepared(NamedTuple):
    context: quickjs.Context
    warm: dict[str, int]  # the templates compiled into it: source → index for renderWarm


def prepare() -> None:
    """Ready a context for this thread's next render or check, unless one is ready, so that it does not pay for one
    (about 2 ms), with the thread's last templates compiled in (``WARM_TEMPLATES``).

    It also frees the context of this thread's last render, which waits for it (or for the next render) to do so.
    """
    _PREPARED.spent = None
    if not _stock():
        _prepare_one()


def between_renders(render_waiting: Callable[[float], bool]) -> None:
    """What a worker does after a render while it waits for the next: free the render's context, then ready
    contexts up to ``PREPARED_CONTEXTS``, one at a time, each once ``render_waiting(seconds)`` says that no render
    came in that time: ``LINGER_SECONDS`` before the first (none if no context is left), ``REFILL_PAUSE`` before
    each other."""
    _PREPARED.spent = None
    stock = _stock()
    pause = LINGER_SECONDS if stock else 0
    while len(stock) < PREPARED_CONTEXTS and not render_waiting(pause):
        _prepare_one()
        pause = REFILL_PAUSE


def _stock() -> list[_Prepared]:
    stock: list[_Prepared] | None = getattr(_PREPARED, "stock", None)
    if stock is None:
        stock = _PREPARED.stock = []
    return stock


def _prepare_one() -> None:
    context = _new_context()
    try:
        warm = _precompile(context)
    except Exception:  # a limit of the context, which may be left unsound: a clean one, and no more of them
        _PREPARED.recent, _PREPARED.seen = OrderedDict(), OrderedDict()
        context, warm = _new_context(), {}
    _stock().append(_Prepared(context, warm))


def _precompile(context: quickjs.Context) -> dict[str, int]:
    """The thread's recent templates compiled into ``context``: source → index for ``renderWarm``."""
    warm: dict[str, int] = {}
    recent: OrderedDict[str, _Arguments] = getattr(_PREPARED, "recent", None) or OrderedDict()
    if not recent:
        return warm
    precompile = context.get("precompile")
    try:
        for source, arguments in recent.items():
            index = precompile(*arguments)
            if isinstance(index, int) and index >= 0:
                warm[source] = index
    finally:
        del precompile  # a JavaScript value: never left in a traceback for another thread to free
    return warm


def _warm_index(source: str) -> int | None:
    """Where ``source`` is compiled in the context this thread's next render takes, if it is."""
    stock = _stock()
    return stock[-1].warm.get(source) if stock else None


def _remember(source: str, arguments: _Arguments | None) -> None:
    """``source`` was rendered (None: as compiled ahead): from its second render on, it is compiled into the next
    contexts this thread prepares, unless it is too large."""
    recent: OrderedDict[str, _Arguments] = getattr(_PREPARED, "recent", None) or OrderedDict()
    seen: OrderedDict[str, None] = getattr(_PREPARED, "seen", None) or OrderedDict()
    _PREPARED.recent, _PREPARED.seen = recent, seen
    if source in recent:
        recent.move_to_end(source)
    elif arguments is None or len(arguments.text) + len(arguments.code or "") > WARM_SOURCE_LIMIT:
        return
    elif source not in seen:
        seen[source] = None
        if len(seen) > SEEN_TEMPLATES:
            seen.popitem(last=False)
    else:
        del seen[source]
        recent[source] = arguments
        if len(recent) > WARM_TEMPLATES:
            recent.popitem(last=False)


def _take_context() -> quickjs.Context:
    """This thread's last prepared context, the one with the latest templates compiled in (it is then gone), or a
    new one."""
    _PREPARED.spent = None  # the last render's, if prepare() did not free it
    stock = _stock()
    return stock.pop().context if stock else _new_context()


@functools.cache
def _library() -> str:
    glue = _GLUE.replace("/* OPTIONS_FROM_DATA */ []", json.dumps(list(OPTIONS_FROM_DATA)))
    return _LIBRARY.read_text(encoding="utf-8") + glue


def _new_context() -> quickjs.Context:
    context = quickjs.Context()
    context.set_memory_limit(MEMORY_LIMIT)
    context.set_max_stack_size(STACK_LIMIT)
    context.eval(_library())
    context.gc()  # what loading left behind, now: else a collection falls into the render (about 0.05 ms)
    context.set_time_limit(TIME_LIMIT_SECONDS)  # after loading the library: only the template's time counts
    return context


class _Arguments(NamedTuple):
    """What renderTemplate and precompile take besides the data."""

    text: str
    code: str | None
    as_json: bool


def _run(source: str, data: str | None, *, own_source: bool = True) -> str:
    if not isinstance(source, str):
        raise TemplateError(localized("the template must be text"), engine=_ENGINE)
    # Options in the data change how ejs compiles the template: then it is not compiled ahead, nor remembered.
    warm_index = _warm_index(source) if own_source and data is not None else None
    arguments = None if warm_index is not None else _arguments(source, own_source)
    context = render_in_js = rendered_as_object = reply = None
    try:
        context = _take_context()
        rendered_as_object = context.get("renderedAsObject")
        try:
            if arguments is None:
                render_in_js = context.get("renderWarm")
                reply = render_in_js(warm_index, data)
            else:
                render_in_js = context.get("renderTemplate")
                reply = render_in_js(*arguments[:2], data, arguments.as_json)
        except UnicodeDecodeError:  # the text has a lone surrogate
            reply = rendered_as_object()
        outcome = _Outcome(reply, True) if isinstance(reply, str) else _Outcome(reply.json(), False)
    except quickjs.JSException as err:  # beyond the template's reach: a limit was hit
        raise _limit_error(str(err)) from None
    except Exception as err:
        raise TemplateError(localized("the EJS engine failed: {problem}", problem=str(err)), engine=_ENGINE) from None
    finally:
        # Used once. Freeing it takes about 0.1 ms: it waits in this thread for prepare() or the next render. Not in
        # this frame, which a traceback could keep alive until another thread collects it: quickjs must not be
        # touched from two threads. The same holds for every JavaScript value.
        _PREPARED.spent = context
        del context, render_in_js, rendered_as_object, reply
    if own_source and data is not None and outcome.rendered:
        _remember(source, arguments)
    return _result(outcome)


def _arguments(source: str, own_source: bool) -> _Arguments:
    """The template for renderTemplate: its text, the source that ejs_source made of it (None: ejs makes it, for
    options in the data), and whether both go as JSON."""
    text, code = source, None
    if own_source:
        try:
            text, code = ejs_source.generate(source)
        except ejs_source.MissingCloseTag as err:
            raise _error("Error", str(err), None, "compile") from None
    as_json = not (_passes_as_is(text) and (code is None or _passes_as_is(code)))
    if as_json:  # JSON is ASCII
        text, code = json.dumps(text), json.dumps(code)
    return _Arguments(text, code, as_json)


class _Outcome(NamedTuple):
    text: str  # the rendered text, or the JSON of an object that holds it or an error
    rendered: bool  # whether ``text`` is the rendered text


def _passes_as_is(text: str) -> bool:
    """Whether quickjs passes ``text`` to JavaScript intact: its str conversion stops at a NUL and crashes on a lone
    surrogate."""
    if "\x00" in text:
        return False
    try:
        text.encode()
    except UnicodeEncodeError:
        return False
    return True


def _result(outcome: _Outcome) -> str:
    if outcome.rendered:
        return outcome.text
    try:
        result = json.loads(outcome.text)
        if "html" in result:
            return str(result["html"])
        name, message, line, stage = result["error"], result["message"], result["line"], result["stage"]
    except (TypeError, ValueError, KeyError):
        raise TemplateError(
            localized("the EJS engine gave an answer that is not a rendered template"), engine=_ENGINE
        ) from None
    raise _error(name, message, line, stage)


def _error(name: str, message: str, line: Any, stage: str) -> TemplateError:
    """An error of ejs or of the template, in the words of ejs on Node; the wrapper's own one in either language."""
    if stage == "no-text":  # async: true in the data gives a Promise, not a mail
        no_text = localized("Error: the template gives no text: remove async from the context")
        return TemplateError(no_text, engine=_ENGINE)
    if stage == "render" and (runtime := _RUNTIME_CONTEXT.match(message)):
        line, message = int(runtime[1]), runtime[2]
    message = message.split(" while compiling ejs", 1)[0].strip()
    return TemplateError(f"{name}: {message}"[:500], line if isinstance(line, int) else None, None, _ENGINE)


def _limit_error(message: str) -> TemplateError:
    first_line = message.split("\n", 1)[0]
    text: str | Text
    if "interrupted" in first_line:
        text = localized(
            "the template ran longer than {seconds} s: look for an endless loop", seconds=TIME_LIMIT_SECONDS
        )
    elif "out of memory" in first_line:
        text = localized("the template needed more than {size} MB of memory", size=MEMORY_LIMIT // (1024 * 1024))
    elif "stack overflow" in first_line:
        text = localized("the template recursed too deeply")
    else:
        text = first_line[:300]  # the engine's own words
    return TemplateLimitError(text, engine=_ENGINE)
