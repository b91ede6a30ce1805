"""How long a live preview takes: the 15 built-in templates rendered cold (compiled anew, as after an edit) and
warm (compiled template cached), with both engines' renderer.

    .venv/bin/python bench/preview_bench.py

Prints one line per figure; medians of several rounds, in milliseconds.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from mailconsole.models import TemplateType
from mailconsole.rendering import handlebars, render_template
from mailconsole.rendering.samples import sample_context
from mailconsole.service.defaults import default_template

ROUNDS = 7


def median_ms(action: Callable[[], object], rounds: int = ROUNDS) -> float:
    timings = []
    for _ in range(rounds):
        start = time.perf_counter()
        action()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def render_all_defaults() -> None:
    for kind in TemplateType:
        template = default_template(kind)
        context = sample_context(kind)
        for source in (template.content, template.subject, template.sender):
            render_template(source, context)


def cold() -> None:
    handlebars._compile_cached.cache_clear()
    render_all_defaults()


def one_edit(counter: list[int]) -> Callable[[], object]:
    """An edit of the login mail: new source, so compile and render, as the live preview does per keystroke."""
    base = default_template(TemplateType.LOGIN_VERIFY_CODE).content
    context = sample_context(TemplateType.LOGIN_VERIFY_CODE)

    def edit() -> object:
        counter[0] += 1
        return render_template(base.replace("</body>", f"<!-- edit {counter[0]} --></body>"), context)

    return edit


def ejs_edit(counter: list[int]) -> Callable[[], object]:
    source = "<h1>Hi <%= user_display_name %></h1>" + "<p>Your code is <b><%= verify_code %></b>.</p>" * 40
    context = sample_context(TemplateType.LOGIN_VERIFY_CODE)

    def edit() -> object:
        counter[0] += 1
        return render_template(source + f"<!-- {counter[0]} -->", context, "ejs")

    return edit


def main() -> None:
    counter = [0]
    print(f"handlebars, 15 default templates (content+subject+sender), cold: {median_ms(cold):8.1f} ms")
    render_all_defaults()
    print(f"handlebars, 15 default templates (content+subject+sender), warm: {median_ms(render_all_defaults):8.1f} ms")
    print(f"handlebars, one edit of the login mail (compile+render):        {median_ms(one_edit(counter)):8.1f} ms")
    print(f"ejs, one edit of a 2 KB template (fresh sandbox+compile+render): {median_ms(ejs_edit(counter)):8.1f} ms")


if __name__ == "__main__":
    main()
