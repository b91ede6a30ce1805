"""Python code for a checked Handlebars tree: pybars3's code generator, without its tree grammar, in sections.

pybars3 walks the tree with an OMeta grammar (``compile_grammar`` in ``pybars/_compiler.py``) that calls its
``CodeBuilder``. That walk cost most of a compile (23 of 35 ms for a 22 KB mail), and Python's ``compile()`` of the
one large function it makes most of the rest (8 ms). So:

- ``_Walk`` is that grammar written as plain Python, driving pybars3's own ``CodeBuilder`` (a fresh one each time:
  no shared state): the generated code is the same text (``tests/rendering/test_handlebars_codegen.py`` checks it
  against pybars3's grammar);
- the top-level statements are cut into sections, one after each top-level text with a line break, and each
  section is generated as a template of its own, compiled and cached by its code. An edit in the live preview
  changes one section; the others come from the cache. A cut depends only on that text, so an edit does not move
  the other cuts. ``render_sections`` runs the sections in order with the preamble pybars3 gives a template.

The tree must have been checked (``handlebars._TreeCheck``): names and literals reach the code only as the check
left them. A node the check does not let through raises ``ValueError``.
"""

from __future__ import annotations

import functools
import threading
from collections import OrderedDict
from typing import Any

from pybars._compiler import CodeBuilder

from mailconsole.rendering.handlebars_runtime import NAMESPACE, Render, render_sections

# The cache of compiled sections holds at most this much generated code; a compiled section keeps about 1.7 bytes
# per character of its code (about 130 KB for a 22 KB mail that is one section), so about 30 MB at most.
SECTION_CACHE_CODE = 16 * 1024 * 1024

_TEXTS = ("literal", "newline", "whitespace")
_EMPTY_SEGMENTS = ("/", ".", "", "this")  # pybars3 reads these as "the context itself"


def compile_tree(tree: list[Any]) -> Render:
    """The render function of a checked tree: its sections, each compiled once per distinct code."""
    sections = tuple(_SECTIONS.compiled(generate(["template", *section])) for section in _sections(tree))
    return functools.partial(render_sections, sections)


def generate(tree: list[Any]) -> str:
    """The Python code pybars3 generates for ``tree``; it defines ``render`` (and a function per block)."""
    return str(_Walk().template(tree).code)


def _sections(tree: list[Any]) -> list[list[Any]]:
    """The top-level statements, cut before each text with a line break: every section but the first starts with
    text, so the values after it join as text, as in handlebars.js' one ``a + b + ...`` over the whole program (a
    section that started with two numbers would add them up on its own)."""
    sections: list[list[Any]] = [[]]
    for statement in tree[1:]:
        if statement[0] in _TEXTS and "\n" in statement[1] and sections[-1]:
            sections.append([])
        sections[-1].append(statement)
    return [section for section in sections if section] or [[]]


class _SectionCache:
    """Compiled sections by their code, the least recently used dropped first beyond ``budget`` characters of code.

    Counting entries would not do: a template that is one block is one section, and each keystroke in it a new one.
    """

    def __init__(self, budget: int) -> None:
        self.budget = budget
        self.sections: OrderedDict[str, Render] = OrderedDict()
        self.size = 0
        self.compiles = 0  # how many sections it compiled: tests count them
        self.lock = threading.Lock()

    def compiled(self, code: str) -> Render:
        with self.lock:
            if (render := self.sections.get(code)) is not None:
                self.sections.move_to_end(code)
                return render
        render = _compile_section(code)
        with self.lock:
            self.compiles += 1
            if code not in self.sections:
                self.sections[code] = render
                self.size += len(code)
            while self.size > self.budget and len(self.sections) > 1:
                self.size -= len(self.sections.popitem(last=False)[0])
        return render

    def clear(self) -> None:
        with self.lock:
            self.sections.clear()
            self.size = 0


_SECTIONS = _SectionCache(SECTION_CACHE_CODE)


def _compile_section(code: str) -> Render:
    # Its own namespace: every section defines ``render`` and ``block_1``... The code never assigns a global, so
    # a cached function can serve every template that holds the same section.
    namespace = dict(NAMESPACE)
    exec(compile(code, "<handlebars template>", "exec", dont_inherit=True), namespace)  # noqa: S102
    render: Render = namespace["render"]
    return render


class _Walk:
    """pybars3's ``compile_grammar``, rule for rule, on a fresh ``CodeBuilder``."""

    def __init__(self) -> None:
        self.builder = CodeBuilder()

    def template(self, node: Any) -> Any:  # compile ::= <prolog> <rule>* => builder.finish()
        if not (isinstance(node, list) and node[:1] == ["template"]):
            raise ValueError(f"not a template: {node!r:.40}")
        self.builder.start()
        for statement in node[1:]:
            self.statement(statement)
        return self.builder.finish()

    def statement(self, node: Any) -> None:
        kind = node[0]
        if kind in _TEXTS:
            self.builder.add_literal(node[1])
        elif kind in ("expand", "escapedexpand"):
            add = self.builder.add_expand if kind == "expand" else self.builder.add_escaped_expand
            add(self.path(node[1]), self.arguments(node[2]))
        elif kind == "comment" and len(node) == 1:
            pass
        elif kind in ("block", "invertedblock"):
            _, symbol, arguments, body, inverse = node
            called = self.arguments(arguments)
            nested = self.template(body)
            alternative = self.template(inverse) if inverse else None
            add = self.builder.add_block if kind == "block" else self.builder.add_invertedblock
            add(symbol, called, nested, alternative)
        elif kind == "partial":
            self.builder.add_partial(self.value(node[1]), self.arguments(node[2]))
        else:
            raise ValueError(f"no code for the node {node!r:.40}")

    def path(self, node: Any) -> tuple[str, str]:
        segments = self.segments(node)
        if len(segments) == 1:
            return "simple", segments[0]
        return "complex", self.resolve(segments)

    def arguments(self, nodes: Any) -> list[str]:
        return [self.argument(node) for node in nodes]

    def argument(self, node: Any) -> str:  # arg: a hash argument or a value
        if node[0] == "kwparam":
            return f"{node[1]}={self.value(node[2])}"
        return self.value(node)

    def value(self, node: Any) -> str:  # complexarg
        kind = node[0]
        if kind == "path":
            return self.resolve(self.segments(node))
        if kind == "subexpr" and node[1][0] == "path":
            name = "".join(node[1][1])  # pybars3 joins the segments of a helper's name
            called = "".join(f", {argument}" for argument in self.arguments(node[2]))
            return f'resolve_subexpr(helpers, "{name}", context{called})'
        if kind == "literalparam":
            return str(node[1])
        raise ValueError(f"no code for the argument {node!r:.40}")

    @staticmethod
    def segments(node: Any) -> list[str]:
        if node[0] != "path" or not node[1]:
            raise ValueError(f"not a path: {node!r:.40}")
        return ["" if segment in _EMPTY_SEGMENTS else segment for segment in node[1]]

    @staticmethod
    def resolve(segments: list[str]) -> str:
        return "resolve(context, u'" + "', u'".join(segments) + "')"
