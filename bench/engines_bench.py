"""Our two template engines against the platform's, on Node: compile and render times, and a live-preview edit.

    .venv/bin/python bench/engines_bench.py

Workloads: the 15 built-in templates with their sample contexts (Handlebars as shipped, EJS as translated in
tests/rendering/corpus/ejs/builtin-*.json), and a ~20 KB template (built-ins in a row) edited once per round:
each edit is new source, so compile + render, as the console's preview does per keystroke.

Ours: Handlebars compiles (scan, whitespace, pybars3 parse of each tag and code generation, exec) once per source
and renders the compiled function; "compile" is measured cold (no parsed tag cached), an edit as it comes (the tags
it did not change are cached); EJS has no compiled cache, each render gets a fresh QuickJS sandbox, so its "compile" is
sandbox + compile and its "render" sandbox + compile + render. Node: handlebars.js (precompile + template) and
ejs.compile, then the compiled function. When ``node`` is on the PATH, bench/engines_bench.js runs the same
workloads (sent to it as JSON) with engines from MAILCONSOLE_NODE_ENGINES (a directory made by
scripts/corpus/install_engines.sh) or installed into a temporary directory for the run.

Prints medians in milliseconds: per template (the median over the 15) and the sum over the 15.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mailconsole.models import TemplateType
from mailconsole.rendering import ejs, handlebars, render_template
from mailconsole.rendering.samples import sample_context
from mailconsole.service.defaults import default_content

ROOT = Path(__file__).resolve().parents[1]
EJS_TRANSLATIONS = ROOT / "tests" / "rendering" / "corpus" / "ejs"
ROUNDS = 7
EDITS = 15
BIG_TEMPLATE = 20 * 1024
Workload = dict[str, Any]


def median_ms(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    action()  # warm-up: imports, grammar, caches of the interpreter
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def workload() -> Workload:
    builtins = []
    for kind in TemplateType:
        translation = json.loads((EJS_TRANSLATIONS / f"builtin-{kind.value}.json").read_text(encoding="utf-8"))
        builtins.append(
            {
                "name": kind.value,
                "hbs": default_content(kind.value),
                "ejs": translation["template"],
                "context": sample_context(kind),
            }
        )
    big: list[dict[str, Any]] = []
    for item in builtins:  # built-ins in a row up to ~20 KB
        big.append(item)
        if sum(len(each["hbs"].encode()) for each in big) >= BIG_TEMPLATE:
            break
    return {
        "builtins": builtins,
        "big": {
            "hbs": "\n".join(item["hbs"] for item in big),
            "ejs": "\n".join(item["ejs"] for item in big),
            "context": sample_context(None),
        },
        "rounds": ROUNDS,
        "edits": EDITS,
    }


def cold_compile(source: str) -> object:
    """A compile as of a template never seen: no parsed tag cached (an edit finds most of its tags cached)."""
    handlebars._parse_tag.cache_clear()
    return handlebars._compile(source)


def edited(source: str, number: int) -> str:
    return source.replace("</body>", f"<!-- edit {number} --></body>", 1)


def ours(work: Workload) -> dict[str, float]:
    figures: dict[str, list[float]] = {"hbs_compile": [], "hbs_render": [], "ejs_compile": [], "ejs_render": []}
    for item in work["builtins"]:
        source, context = item["hbs"], item["context"]
        figures["hbs_compile"].append(median_ms(lambda source=source: cold_compile(source)))
        render_template(source, context)
        figures["hbs_render"].append(median_ms(lambda source=source, context=context: render_template(source, context)))
        source = item["ejs"]
        figures["ejs_compile"].append(median_ms(lambda source=source: ejs.check(source)))
        figures["ejs_render"].append(
            median_ms(lambda source=source, context=context: render_template(source, context, "ejs"))
        )
    result = {f"{key}_median": statistics.median(values) for key, values in figures.items()}
    result |= {f"{key}_sum": sum(values) for key, values in figures.items()}
    big = work["big"]
    for engine, key in (("handlebar", "hbs"), ("ejs", "ejs")):
        result[f"{key}_edit"] = median_ms(one_edit(big[key], big["context"], engine), work["edits"])
    return result


def one_edit(source: str, context: dict[str, Any], engine: str) -> Callable[[], object]:
    """An edit of ``source``: new text each call, so compile and render, as the live preview does per keystroke."""
    counter = iter(range(10**9))
    return lambda: render_template(edited(source, next(counter)), context, engine)


def node(work: Workload) -> tuple[dict[str, float] | None, str]:
    """The same figures from Node, or None and why not."""
    if (node_program := shutil.which("node")) is None:
        return None, "node is not on the PATH"
    engines = os.environ.get("MAILCONSOLE_NODE_ENGINES")
    with tempfile.TemporaryDirectory() as scratch:
        if not engines:
            engines = scratch
            install = subprocess.run(
                [str(ROOT / "scripts" / "corpus" / "install_engines.sh"), engines], capture_output=True, text=True
            )
            if install.returncode != 0:
                return None, f"could not install the engines: {install.stderr.strip()[:200]}"
        run = subprocess.run(
            [node_program, str(ROOT / "bench" / "engines_bench.js"), engines],
            input=json.dumps(work),
            capture_output=True,
            text=True,
        )
    if run.returncode != 0:
        return None, f"engines_bench.js failed: {run.stderr.strip()[:300]}"
    figures: dict[str, Any] = json.loads(run.stdout)
    return figures, f"Node {figures.pop('node')}, handlebars {figures.pop('handlebars')}, ejs {figures.pop('ejs')}"


def main() -> None:
    work = workload()
    python = ours(work)
    theirs, about = node(work)
    size = len(work["big"]["hbs"].encode()) / 1024
    rows = [
        ("handlebars compile, per template", "hbs_compile_median", "hbs_compile_sum"),
        ("handlebars render, per template", "hbs_render_median", "hbs_render_sum"),
        ("ejs compile, per template", "ejs_compile_median", "ejs_compile_sum"),
        ("ejs render, per template", "ejs_render_median", "ejs_render_sum"),
        (f"handlebars edit of a {size:.0f} KB template", "hbs_edit", None),
        (f"ejs edit of a {size:.0f} KB template", "ejs_edit", None),
    ]
    print(f"median ms; Python {sys.version.split()[0]}; Node side: {about}")
    print(f"{'':42} {'ours':>10} {'(sum of 15)':>12} {'Node':>10} {'(sum of 15)':>12} {'ours/Node':>10}")
    for label, key, total in rows:
        line = f"{label:42} {python[key]:10.3f} {_sum(python, total):>12}"
        if theirs is not None:
            line += f" {theirs[key]:10.3f} {_sum(theirs, total):>12} {python[key] / theirs[key]:9.0f}x"
        print(line)


def _sum(figures: dict[str, float], key: str | None) -> str:
    return "" if key is None else f"{figures[key]:.1f}"


if __name__ == "__main__":
    main()
