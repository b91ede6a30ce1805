"""EJS templates, rendered by the real ``ejs`` library (vendored, see ``scripts/update_ejs.sh``) inside QuickJS.

An EJS template is JavaScript written by a tenant. QuickJS has no file system, network, ``require`` or
``process``; each render also gets a fresh QuickJS context with a CPU-time, memory and stack limit. A fresh
context costs about 2 ms and buys a lot: a template that patches ``JSON.parse`` or ``Object.prototype`` cannot
see or change the next render (another tenant's mail), a context is never touched by two threads (quickjs
crashes then), and nothing is left in a bad state by a timeout. The price is that compiled templates are not
cached across renders; compiling a mail takes about 1 ms.

The output is ejs' on Node, byte for byte (``tests/rendering/corpus``), except for ``KNOWN_DIFFERENCES``.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import quickjs

from mailconsole.models import TemplateEngine
from mailconsole.rendering.data import plain_context
from mailconsole.rendering.errors import TemplateError

# Where a render here and ejs on Node part, for admins (the library is the same; the JavaScript engine is not);
# tests/rendering/test_fidelity.py checks each.
KNOWN_DIFFERENCES: tuple[str, ...] = (
    "Templates run in QuickJS, which has no Intl: toLocaleString() and toLocaleDateString() print numbers and dates "
    "without a locale's format (1234.5 rather than 1,234.5).",
    "Date's toString() and toTimeString() leave out the time zone's name (GMT+0000 rather than "
    "GMT+0000 (Coordinated Universal Time)).",
    "Node's globals do not exist in a template (console, process, Buffer, setTimeout, structuredClone, URL, "
    "TextEncoder, fetch): use plain JavaScript.",
)

TIME_LIMIT_SECONDS = 1
MEMORY_LIMIT = 64 * 1024 * 1024
STACK_LIMIT = 1024 * 1024

_ENGINE = TemplateEngine.EJS
_LIBRARY = Path(__file__).with_name("vendor") / "ejs.min.js"

# Runs once per context, after the library. The platform calls ejs.render(template, data), which takes a few
# options from the data (ejs 3.1.10's _OPTS_PASSABLE_WITH_DATA): so does this, but for debug, whose only effect
# is a console.log of the compiled code (QuickJS has no console). None of them reaches a file or the network here:
# QuickJS has neither (filename only names the template in errors and includes, which fail without a file system).
# EJS compiles with `new Function(...)`; while it does, Function is wrapped to keep the generated body, whose
# "__line = N" marks tell the template line of a syntax error.
_GLUE = r"""
var renderTemplate = (function (ejs, NativeFunction, parse, stringify) {
  var OPTIONS_FROM_DATA = ["delimiter", "scope", "context", "compileDebug", "client", "_with", "rmWhitespace",
                           "strict", "filename", "async"];
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
  function compile(source, options) {
    globalThis.Function = RecordingFunction;
    globalThis.console = silentConsole;
    try {
      return ejs.compile(source, options);
    } catch (error) {
      if (error instanceof SyntaxError) error.templateLine = templateLine(error.lineNumber);
      throw error;
    } finally {
      globalThis.Function = NativeFunction;
      delete globalThis.console;
    }
  }
  function describe(error, stage) {
    var isError = error instanceof Error;
    return stringify({
      error: isError ? error.name : "Error",
      message: isError ? String(error.message) : String(error),
      line: (isError && error.templateLine) || null,
      stage: stage
    });
  }
  return function (sourceJson, json) {
    var template, data = json === null ? null : parse(json);
    try {
      template = compile(parse(sourceJson), optionsFrom(data));
    } catch (error) {
      return describe(error, "compile");
    }
    if (data === null) return stringify({html: ""});
    var html;
    try { html = template(data); } catch (error) { return describe(error, "render"); }
    if (typeof html !== "string") {  // async: true in the data gives a Promise, not a mail
      return describe(new Error("the template gives no text: remove async from the context"), "render");
    }
    return stringify({html: html});
  };
})(ejs, Function, JSON.parse, JSON.stringify);
"""

# EJS' runtime errors read "ejs:3\n    1| ...\n >> 3| ...\n\n<message>".
_RUNTIME_CONTEXT = re.compile(r"^[^\n]*:(\d+)\n.*?\n\n(.*)$", re.DOTALL)


def check(source: str) -> None:
    """Compile ``source`` with EJS; raise TemplateError when it does not compile."""
    _run(source, None)


def render(source: str, context: Mapping[str, Any]) -> str:
    return _run(source, json.dumps(plain_context(context, _ENGINE)))


@functools.cache
def _library() -> str:
    return _LIBRARY.read_text(encoding="utf-8") + _GLUE


def _new_context() -> quickjs.Context:
    context = quickjs.Context()
    context.set_memory_limit(MEMORY_LIMIT)
    context.set_max_stack_size(STACK_LIMIT)
    context.eval(_library())
    context.set_time_limit(TIME_LIMIT_SECONDS)  # after loading the library: only the template's time counts
    return context


def _run(source: str, data: str | None) -> str:
    if not isinstance(source, str):
        raise TemplateError("the template must be text", engine=_ENGINE)
    context = None
    try:
        context = _new_context()
        # As JSON, which is ASCII: quickjs's str conversion stops at a NUL and crashes on a lone surrogate.
        reply = context.get("renderTemplate")(json.dumps(source), data)
    except quickjs.JSException as err:  # beyond the template's reach: a limit was hit
        raise _limit_error(str(err)) from None
    except Exception as err:
        raise TemplateError(f"the EJS engine failed: {err}", engine=_ENGINE) from None
    finally:
        # Free the engine here, in its own thread: a traceback holding this frame would keep it alive until some
        # other thread collects it, and quickjs must not be touched from two threads.
        del context
    return _result(reply)


def _result(reply: Any) -> str:
    try:
        result = json.loads(reply)
        if "html" in result:
            return str(result["html"])
        name, message, line, stage = result["error"], result["message"], result["line"], result["stage"]
    except (TypeError, ValueError, KeyError):
        raise TemplateError("the EJS engine gave an answer that is not a rendered template", engine=_ENGINE) from None
    if stage == "render" and (runtime := _RUNTIME_CONTEXT.match(message)):
        line, message = int(runtime[1]), runtime[2]
    message = message.split(" while compiling ejs", 1)[0].strip()
    raise TemplateError(f"{name}: {message}"[:500], line if isinstance(line, int) else None, None, _ENGINE)


def _limit_error(message: str) -> TemplateError:
    first_line = message.split("\n", 1)[0]
    if "interrupted" in first_line:
        text = f"the template ran longer than {TIME_LIMIT_SECONDS} s: look for an endless loop"
    elif "out of memory" in first_line:
        text = f"the template needed more than {MEMORY_LIMIT // (1024 * 1024)} MB of memory"
    elif "stack overflow" in first_line:
        text = "the template recursed too deeply"
    else:
        text = first_line[:300]
    return TemplateError(text, engine=_ENGINE)
