"""Every render runs in a worker process under a deadline and budgets (mailconsole.rendering.workers).

The runaway templates are the ones an attack on the service found: a backtracking regular expression in EJS
(QuickJS does not check its time limit inside its regex engine) and nested {{#each @root}} in Handlebars.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from mailconsole.models import TemplateEngine
from mailconsole.rendering import TemplateError, TemplateLimitError, check_template, render_template
from mailconsole.rendering.workers import (
    Job,
    RenderLimits,
    RenderPool,
    decode_job,
    decode_reply,
    encode_job,
    encode_reply,
)
from tests.support import run_in_threads

HBS, EJS = TemplateEngine.HANDLEBAR, TemplateEngine.EJS
BACKTRACKING = "<%= /^(a+)+$/.test('a'.repeat(40) + 'b') %>"
NESTED_EACH = "{{#each @root}}" * 5 + "x" + "{{/each}}" * 5
SEND_CONTEXT = {f"variable_{index}": index for index in range(21)}  # as many keys as a real send's context


@pytest.fixture
def pool() -> Iterator[RenderPool]:
    pool = RenderPool(RenderLimits(timeout=0.5, idle_seconds=0.2, keep_idle=1, quarantine=30))
    run(pool, "warm")  # the zygote's start (imports) is not part of any render
    yield pool
    pool.close()


def run(pool: RenderPool, source: str, context: dict[str, object] | None = None, engine: TemplateEngine = HBS) -> str:
    return pool.run(Job(source, engine, {} if context is None else context, None))


def test_a_backtracking_regular_expression_is_stopped_at_the_deadline(pool: RenderPool) -> None:
    started = time.monotonic()
    with pytest.raises(TemplateLimitError, match=r"longer than 0.5 s \(MAILCONSOLE_RENDER_TIMEOUT\)"):
        run(pool, BACKTRACKING, engine=EJS)
    assert time.monotonic() - started < 1.5
    assert run(pool, "<%= 1 + 1 %>", engine=EJS) == "2"  # a fresh worker took its place


def test_a_template_out_of_time_is_refused_without_running_for_a_while(pool: RenderPool) -> None:
    with pytest.raises(TemplateLimitError):
        run(pool, BACKTRACKING, engine=EJS)
    started = time.monotonic()
    with pytest.raises(TemplateLimitError, match="refused without running"):
        run(pool, BACKTRACKING, {"another": "context"}, engine=EJS)
    assert time.monotonic() - started < 0.1
    assert run(pool, BACKTRACKING.replace("40", "4"), engine=EJS) == "false"  # another template is not


def test_a_render_starved_of_cpu_time_is_refused_but_not_quarantined(pool: RenderPool) -> None:
    # A worker that gets no CPU (stopped here; a machine under heavy load, elsewhere) misses the deadline with a
    # template that needs a millisecond: it is refused then, and runs again at the next send.
    worker = pool._idle[-1]  # the one the next render takes
    os.kill(worker.pid, signal.SIGSTOP)
    with pytest.raises(TemplateLimitError, match="short of CPU time") as raised:
        run(pool, "{{a}}", {"a": 1})
    assert "loop" not in raised.value.message  # nothing to look for in the template
    assert run(pool, "{{a}}", {"a": 2}) == "2"  # not quarantined
    assert worker.pidfd is None  # the stopped worker was killed and replaced


def test_nested_loops_over_the_root_stop_at_the_iteration_budget() -> None:
    pool = RenderPool(RenderLimits(timeout=30))  # a deadline far away: the budget is what stops it
    try:
        with pytest.raises(TemplateLimitError, match=r"repeats its blocks more than 100,000 times"):
            run(pool, NESTED_EACH, SEND_CONTEXT)
        assert run(pool, "{{#each @root}}{{@key}} {{/each}}", {"a": 1, "b": 2}) == "a b "
    finally:
        pool.close()


def test_output_over_the_budget_is_refused() -> None:
    pool = RenderPool(RenderLimits(max_output=1000))
    try:
        assert len(run(pool, "{{#each items}}{{this}}{{/each}}", {"items": ["x" * 100] * 10})) == 1000
        with pytest.raises(TemplateLimitError, match=r"larger than .* MB \(MAILCONSOLE_RENDER_MAX_OUTPUT\)"):
            run(pool, "{{#each items}}{{this}}{{/each}}", {"items": ["x" * 100] * 11})
        with pytest.raises(TemplateLimitError, match="MAILCONSOLE_RENDER_MAX_OUTPUT"):
            run(pool, "<%= 'é'.repeat(501) %>", engine=EJS)  # bytes of UTF-8, not characters
    finally:
        pool.close()


def test_a_worker_out_of_memory_is_refused_and_replaced() -> None:
    pool = RenderPool(RenderLimits(max_memory=160 * 1024 * 1024, max_output=1024**3, timeout=10))
    try:
        big = {"items": list(range(60_000)), "text": "x" * 4096}  # 60,000 x 4 KB: 240 MB of output
        with pytest.raises(TemplateLimitError, match=r"more than 160 MB of memory"):
            run(pool, "{{#each items}}{{../text}}{{/each}}", big)
        assert run(pool, "{{a}}", {"a": "still here"}) == "still here"
    finally:
        pool.close()


def test_a_compile_check_runs_in_a_worker_too(pool: RenderPool) -> None:
    with pytest.raises(TemplateError, match="unclosed"):
        pool.run(Job("{{#if a}}", HBS, None, None))
    assert pool.run(Job("{{#if a}}{{/if}}", HBS, None, None)) == ""


def test_eight_runaway_renders_at_once_leave_room_for_others(pool: RenderPool) -> None:
    """Each runaway holds a worker until the deadline; a normal render still gets one of its own at once."""
    pool.limits = pool.limits.model_copy(update={"timeout": 2.0})
    warm = time.monotonic()
    assert run(pool, "{{a}}", {"a": 1}) == "1"
    baseline = time.monotonic() - warm
    others: list[float] = []

    def work(index: int) -> None:
        if index < 8:
            with pytest.raises(TemplateLimitError):
                run(pool, BACKTRACKING.replace("40", str(40 + index)), engine=EJS)  # 8 different templates
            return
        time.sleep(0.3)  # while all 8 run
        for _ in range(5):
            started = time.monotonic()
            assert run(pool, "<p>{{a}}</p>", {"a": index}) == f"<p>{index}</p>"
            others.append(time.monotonic() - started)

    run_in_threads(work, 9)
    assert len(others) == 5
    assert max(others) < 0.5, others
    time.sleep(0.3)  # past idle_seconds: the workers started for the storm are retired on the next release
    started = time.monotonic()
    assert run(pool, "{{a}}", {"a": 2}) == "2"
    assert time.monotonic() - started < max(0.05, 10 * baseline)
    assert pool.workers() == 1
    assert worker_processes(pool) == 1


def worker_processes(pool: RenderPool) -> int:
    """Processes whose parent is the pool's zygote, read from /proc: what is really left running."""
    process = pool._zygote._process
    assert process is not None
    deadline = time.monotonic() + 2
    while True:
        children = [stat for stat in Path("/proc").glob("[0-9]*/stat") if _parent_of(stat) == process.pid]
        if len(children) == pool.workers() or time.monotonic() > deadline:
            return len(children)
        time.sleep(0.05)  # a killed worker may take a moment to be reaped


def _parent_of(stat: Path) -> int | None:
    try:
        return int(stat.read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def test_limits_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MAILCONSOLE_RENDER_TIMEOUT", "0.75")
    monkeypatch.setenv("MAILCONSOLE_RENDER_MAX_OUTPUT", "4096")
    limits = RenderLimits()
    assert (limits.timeout, limits.max_output) == (0.75, 4096)
    assert (RenderLimits.model_fields["timeout"].default, RenderLimits.model_fields["max_output"].default) == (
        2.0,
        2 * 1024 * 1024,
    )


def test_the_package_functions_go_through_the_pool() -> None:
    assert render_template("{{a}}", {"a": os.getpid()}) == str(os.getpid())
    assert render_template("<%= typeof process %>", {}, "ejs") == "undefined"
    with pytest.raises(TemplateError, match="line 1"):
        check_template("<% if (x) { %>", "ejs")


def test_replies_cross_processes_intact() -> None:
    for error in (TemplateLimitError("took longer", engine=EJS), TemplateError("unclosed {{#if}}", 3, 7, HBS)):
        copy = decode_reply(encode_reply(error))
        assert type(copy) is type(error)
        assert (copy.message, copy.line, copy.column, copy.engine) == (
            error.message,
            error.line,
            error.column,
            error.engine,
        )
    assert decode_reply(encode_reply("a\x00\ud800 é")) == "a\x00\ud800 é"


def test_jobs_cross_to_the_worker_intact() -> None:
    for job in (Job("<%= a %>\ud800", EJS, {"a": (1, 2.5, None)}, None), Job("{{> p}}", HBS, None, {"p": "x"})):
        copy = decode_job(encode_job(job))
        assert copy == job
        assert copy.engine is job.engine


def test_a_context_that_cannot_be_sent_costs_no_worker(pool: RenderPool) -> None:
    workers = pool.workers()
    with pytest.raises(TypeError):  # render_template words it as a TemplateError
        run(pool, "{{a}}", {"a": threading.Lock()})
    assert pool.workers() == workers  # the worker it would have gone to was neither taken nor discarded
    assert run(pool, "{{a}}", {"a": 1}) == "1"


def test_a_reply_that_is_neither_a_text_nor_an_error_is_refused() -> None:
    with pytest.raises(ValueError, match="neither a text nor an error"):
        decode_reply(b'{"output": "from an older worker"}')


def test_a_slow_render_drops_to_the_lowest_priority_and_its_worker_is_replaced(pool: RenderPool) -> None:
    slow = "<% var end = Date.now() + 300; while (Date.now() < end) {} %>done"  # 0.3 s: past SLOW_RENDER
    niceness: list[int] = []

    def watch() -> None:
        time.sleep(0.25)
        niceness.extend(nice_of(pid) for pid in running_pids(pool))

    watcher = threading.Thread(target=watch)
    watcher.start()
    assert run(pool, slow, engine=EJS) == "done"
    watcher.join()
    assert 19 in niceness  # the slow one, while it ran
    assert all(nice_of(worker.pid) < 19 for worker in pool._idle)  # none of the lowest priority left to reuse


def running_pids(pool: RenderPool) -> list[int]:
    process = pool._zygote._process
    assert process is not None
    return [int(stat.parent.name) for stat in Path("/proc").glob("[0-9]*/stat") if _parent_of(stat) == process.pid]


def nice_of(pid: int) -> int:
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[16])
