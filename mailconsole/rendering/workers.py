"""Every render in a worker process that can be killed: the deadline and the budgets of untrusted templates.

A template is tenant-authored code, and neither engine can be trusted to stop itself: QuickJS does not check its
time limit inside its regular-expression engine, and nested Handlebars loops multiply without end. So, as
hosted-code platforms do, the limits are enforced from outside the engine:

- each render or compile check runs in a worker process, one job at a time; the caller waits at most
  ``timeout`` seconds, then kills the worker (whatever it is doing) and the next job gets a fresh one;
- a worker's address space is capped (``max_memory``) and its output is refused past ``max_output`` bytes;
- workers run at a lower CPU priority than the process that serves requests, and a render that has used a tenth
  of a second of CPU time drops to the lowest, so runaways slow down neither the service nor other renders;
- a template that ran out of time after using that much CPU is refused at once for ``quarantine`` seconds, so that
  repeated anonymous sends of it cost nothing. One that ran out of time while it waited for a CPU (a machine under
  heavy load) is refused that once: the template was not at fault, and its next send runs.

Workers are forked from a zygote process that has already imported the engines (``zygote``), so a new one starts
in milliseconds, and is killed through a pidfd, which cannot hit another process that reused its pid. The
pool grows on demand up to ``max_workers``, hands out the most recently used worker first (its caches of compiled
templates are warm), and retires workers idle for ``idle_seconds`` beyond the first ``keep_idle``.
"""

from __future__ import annotations

import atexit
import contextlib
import hashlib
import itertools
import json
import os
import pickle
import resource
import select
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

from pydantic_settings import BaseSettings, SettingsConfigDict

from mailconsole.i18n import localized
from mailconsole.models import TemplateEngine
from mailconsole.rendering import ejs, engines
from mailconsole.rendering.engines import engine_of
from mailconsole.rendering.errors import TemplateError, TemplateLimitError, text_fields, text_of

MEGABYTE = 1024 * 1024
# Workers yield the CPU to the process that answers requests. A render is looked at every SLOW_RENDER seconds
# while it runs; once it has used RUNAWAY_CPU seconds of CPU time (a mail renders in milliseconds) it is a runaway:
# it drops to the lowest priority, so that it slows neither the service nor the renders that start after it, and
# is quarantined if it misses the deadline. CPU time, not the time waited: on a machine under heavy load a
# render may wait long for a CPU, and that is not its template's fault.
WORKER_NICENESS = 5
SLOW_RENDER = 0.2
RUNAWAY_CPU = 0.1


class RenderLimits(BaseSettings):
    """The limits of one render, from ``MAILCONSOLE_RENDER_*`` in the environment or given by the caller."""

    model_config = SettingsConfigDict(env_prefix="MAILCONSOLE_RENDER_", extra="ignore", frozen=True)

    timeout: float = 2.0  # seconds of wall-clock time for one render or compile check
    max_output: int = 2 * MEGABYTE  # bytes of UTF-8 in one rendered field
    max_memory: int = 512 * MEGABYTE  # address space of a worker process
    max_workers: int = 16  # renders at once; more wait for a worker
    keep_idle: int = 2  # idle workers kept however long they wait
    idle_seconds: float = 60.0  # an idle worker beyond keep_idle is retired after this long
    quarantine: float = 60.0  # seconds a template that ran out of time is refused without running


class Job(NamedTuple):
    """One render (``context`` given) or compile check (``context`` None) of one template."""

    source: str
    engine: TemplateEngine
    context: Mapping[str, Any] | None
    partials: Mapping[str, str] | None


def encode_job(job: Job) -> bytes:
    """A job as sent to a worker: the engine by its value, in a plain tuple (pickling the Job with its enum, as
    Connection.send does, took 0.08 ms more of a render, 0.02 ms more to read)."""
    return pickle.dumps((job.source, job.engine.value, job.context, job.partials), pickle.HIGHEST_PROTOCOL)


def decode_job(data: bytes) -> Job:
    source, engine, context, partials = pickle.loads(data)  # noqa: S301 (from the pool, not from a worker)
    return Job(source, TemplateEngine(engine), context, partials)


# A worker's answer: the rendered text as UTF-8 after _OUTPUT (surrogatepass keeps a lone surrogate that a template
# made), or an error as JSON after _ERROR. The caller never unpickles what a process running tenant code sends it;
# the text goes as it is because JSON cost 0.02 ms of a 4 KB mail's round trip.
_OUTPUT, _ERROR = b"o", b"e"


def encode_reply(outcome: str | TemplateError) -> bytes:
    if isinstance(outcome, str):
        return _OUTPUT + outcome.encode("utf-8", "surrogatepass")
    # The sentence goes as msgid and values, so that the caller gives it in either language.
    fields: dict[str, Any] = {"text": text_fields(outcome.text), "line": outcome.line, "column": outcome.column}
    fields |= {"engine": outcome.engine.value, "limit": isinstance(outcome, TemplateLimitError)}
    return _ERROR + json.dumps(fields).encode()


def decode_reply(data: bytes) -> str | TemplateError:
    if data[:1] == _OUTPUT:
        return data[1:].decode("utf-8", "surrogatepass")
    if data[:1] != _ERROR:
        raise ValueError("a render worker's answer that is neither a text nor an error")
    reply = json.loads(data[1:])
    line, column, engine = _position(reply["line"]), _position(reply["column"]), TemplateEngine(reply["engine"])
    kind = TemplateLimitError if reply["limit"] else TemplateError
    return kind(text_of(reply["text"]), line, column, engine)


def _position(value: Any) -> int | None:
    return value if isinstance(value, int) else None


# ---- the worker's side -----------------------------------------------------------------------------------------


def serve(fd: int, limits: RenderLimits) -> None:
    """A worker's life on the socket ``fd``: take a job, answer it, until the pool hangs up or a job leaves the
    process unsound."""
    resource.setrlimit(resource.RLIMIT_AS, (limits.max_memory, limits.max_memory))
    os.nice(WORKER_NICENESS)
    connection = Connection(fd)
    while True:
        try:
            job = decode_job(connection.recv_bytes())
        except (EOFError, OSError):
            return
        try:
            outcome: str | TemplateError = _run(job, limits)
        except TemplateError as err:
            outcome = err
        except MemoryError:
            # The heap may be left fragmented or half-built: answer, then make way for a fresh worker.
            connection.send_bytes(encode_reply(_memory_error(job, limits)))
            return
        connection.send_bytes(encode_reply(outcome))
        if job.engine is TemplateEngine.EJS:  # the next EJS renders' fresh contexts, made while nothing waits
            ejs.between_renders(connection.poll)


def _run(job: Job, limits: RenderLimits) -> str:
    if job.context is None:
        engines.check(job.source, job.engine, job.partials)
        return ""
    output = engines.render(job.source, job.context, job.engine, job.partials)
    if len(output) * 4 > limits.max_output and len(output.encode("utf-8", "surrogatepass")) > limits.max_output:
        raise TemplateLimitError(
            localized(
                "the rendered mail is larger than {size} (MAILCONSOLE_RENDER_MAX_OUTPUT): look for a loop that "
                "repeats more than intended",
                size=_megabytes(limits.max_output),
            ),
            engine=job.engine,
        )
    return output


def _memory_error(job: Job, limits: RenderLimits) -> TemplateError:
    return TemplateLimitError(
        localized(
            "the template needed more than {size} of memory (MAILCONSOLE_RENDER_MAX_MEMORY): look for a loop that "
            "repeats more than intended",
            size=_megabytes(limits.max_memory),
        ),
        engine=job.engine,
    )


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:g} MB"


# ---- the caller's side -----------------------------------------------------------------------------------------


class _Zygote:
    """The parent's end of ``zygote``: started on first use, again if it died."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None

    def fork(self, fd: int, limits: RenderLimits) -> int:
        """The pid of a new worker serving on ``fd``."""
        with self._lock:
            for attempt in range(2):
                control = self._running()
                try:
                    socket.send_fds(control, [limits.model_dump_json().encode()], [fd])
                    pid: int = _PID.unpack(_receive_exactly(control, _PID.size))[0]
                    return pid
                except OSError:
                    if attempt:
                        raise
                    self._stop()
        raise AssertionError("unreachable")

    def warm(self) -> None:
        with self._lock:
            self._running()

    def close(self) -> None:
        with self._lock:
            self._stop()

    def _running(self) -> socket.socket:
        if self._process is not None and self._process.poll() is None and self._control is not None:
            return self._control
        self._stop()
        ours, theirs = socket.socketpair()
        with theirs:
            self._process = subprocess.Popen(  # noqa: S603 (our own interpreter and module)
                [sys.executable, "-m", "mailconsole.rendering.zygote", str(theirs.fileno())],
                pass_fds=[theirs.fileno()],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                env={**os.environ, "PYTHONPATH": os.pathsep.join(path for path in sys.path if path)},
            )
        self._control = ours
        return ours

    def _stop(self) -> None:
        if self._control is not None:
            self._control.close()  # the zygote ends when it reads the hang-up
            self._control = None
        if self._process is not None:
            try:
                self._process.wait(5)
            except subprocess.TimeoutExpired:
                self._process.kill()
                self._process.wait()
            self._process = None


_PID = struct.Struct("!q")
_MAX_REPLY = 64 * MEGABYTE  # far above any output budget: JSON escapes at most 6 bytes per character


def _receive_exactly(control: socket.socket, size: int) -> bytes:
    data = b""
    while len(data) < size:
        chunk = control.recv(size - len(data))
        if not chunk:
            raise ConnectionResetError("the render zygote hung up")
        data += chunk
    return data


class _Worker:
    def __init__(self, zygote: _Zygote, limits: RenderLimits) -> None:
        ours, theirs = socket.socketpair()
        with theirs:
            pid = zygote.fork(theirs.fileno(), limits)
        self.connection = Connection(ours.detach())
        # Connection.poll builds and tears down a selector each time: 0.05 ms of a render with cold caches.
        self._replies = select.poll()
        self._replies.register(self.connection.fileno(), select.POLLIN)
        self.pid = pid
        self._cpu_clock = (~pid << 3) | 2  # Linux's CPU-time clock of process pid, as clock_getcpuclockid(3) makes
        self.demoted = False
        try:
            self.pidfd: int | None = os.pidfd_open(pid)
        except ProcessLookupError:  # gone already: the first job finds the hang-up
            self.pidfd = None
        self.idle_since = time.monotonic()

    def answers_within(self, seconds: float) -> bool:
        """Whether the worker's answer (or its hang-up) arrives within ``seconds``."""
        return bool(self._replies.poll(seconds * 1000))

    def cpu_seconds(self) -> float:
        """The CPU time the worker has used so far (0 once it is gone)."""
        try:
            return time.clock_gettime(self._cpu_clock)
        except OSError:
            return 0.0

    def demote(self) -> None:
        self.demoted = True
        with contextlib.suppress(OSError):  # gone already
            os.setpriority(os.PRIO_PROCESS, self.pid, 19)

    def stop(self) -> None:
        self.connection.close()  # a worker between jobs ends when it reads the hang-up
        if self.pidfd is not None:
            with contextlib.suppress(ProcessLookupError):
                signal.pidfd_send_signal(self.pidfd, signal.SIGKILL)
            os.close(self.pidfd)
            self.pidfd = None


class RenderPool:
    """Worker processes that run jobs under ``limits``; safe to share between threads."""

    def __init__(self, limits: RenderLimits | None = None) -> None:
        self.limits = limits or RenderLimits()
        self._zygote = _Zygote()
        self._ready = threading.Condition()
        self._idle: list[_Worker] = []  # most recently used last
        self._started = 0  # workers alive: idle or running a job
        self._quarantined: OrderedDict[str, float] = OrderedDict()
        self._closed = False

    def run(self, job: Job) -> str:
        """The rendered text ("" for a check), or TemplateError (``TemplateLimitError`` when a limit stopped it)."""
        self._refuse_quarantined(job)
        payload = encode_job(job)  # a context that cannot be sent fails here, before a worker is taken
        worker = self._acquire()
        try:
            started_cpu = worker.cpu_seconds()
            worker.connection.send_bytes(payload)
            if not self._answered(worker, started_cpu):
                raise self._out_of_time(job, runaway=self._runaway(worker, started_cpu))
            reply = decode_reply(worker.connection.recv_bytes(_MAX_REPLY))
        except (EOFError, OSError) as err:  # the worker died: its memory cap, or a crash of an engine
            self._discard(worker)
            raise TemplateLimitError(
                localized(
                    "the template stopped the template engine (it may have needed more than {size} of memory)",
                    size=_megabytes(self.limits.max_memory),
                ),
                engine=job.engine,
            ) from err
        except BaseException:  # out of time, or a job that cannot be sent: the worker's state is unknown
            self._discard(worker)
            raise
        # A demoted worker cannot be promoted again (that takes privileges); one that ran out of memory may be on
        # its way out. Either way a fresh one takes its place.
        if worker.demoted or isinstance(reply, TemplateLimitError):
            self._discard(worker)
        else:
            self._release(worker)
        if isinstance(reply, TemplateError):
            raise reply
        return reply

    def _answered(self, worker: _Worker, started_cpu: float) -> bool:
        """Whether the worker answers within the deadline; demoted to the lowest CPU priority once its render is a
        runaway (``started_cpu``: the worker's CPU time when the job was sent)."""
        deadline = time.monotonic() + self.limits.timeout
        while (left := deadline - time.monotonic()) > 0:
            if worker.answers_within(min(SLOW_RENDER, left)):
                return True
            if not worker.demoted and self._runaway(worker, started_cpu):
                worker.demote()
        return False

    def _runaway(self, worker: _Worker, started_cpu: float) -> bool:
        """Whether the worker's render has used RUNAWAY_CPU of CPU time (half the deadline, if that is less)."""
        return worker.cpu_seconds() - started_cpu >= min(RUNAWAY_CPU, self.limits.timeout / 2)

    def _out_of_time(self, job: Job, *, runaway: bool) -> TemplateLimitError:
        """The refusal of a render past the deadline; a runaway's template is quarantined too."""
        seconds = f"{self.limits.timeout:g}"
        if not runaway:
            starved = localized(
                "the template did not finish within {seconds} s (MAILCONSOLE_RENDER_TIMEOUT) because the renderer "
                "was short of CPU time (the machine is busy): try again",
                seconds=seconds,
            )
            return TemplateLimitError(starved, engine=job.engine)
        self._quarantine(_quarantine_key(job))
        return TemplateLimitError(
            localized(
                "the template took longer than {seconds} s (MAILCONSOLE_RENDER_TIMEOUT): look for a loop "
                "that does not end, nested loops over large lists or a slow regular expression",
                seconds=seconds,
            ),
            engine=job.engine,
        )

    def workers(self) -> int:
        """How many worker processes are alive now."""
        with self._ready:
            return self._started

    def close(self) -> None:
        with self._ready:
            self._closed = True
            idle, self._idle = self._idle, []
            self._started -= len(idle)
        for worker in idle:
            worker.stop()
        self._zygote.close()

    def warm(self) -> None:
        """Start the zygote now rather than at the first render (it imports both engines: about half a second)."""
        self._zygote.warm()

    # -- workers --

    def _acquire(self) -> _Worker:
        with self._ready:
            while not self._idle and self._started >= self.limits.max_workers:
                self._ready.wait()
            if self._closed:
                raise TemplateError(localized("the template renderer has been shut down"))
            if self._idle:
                return self._idle.pop()
            self._started += 1
        try:
            return _Worker(self._zygote, self.limits)
        except BaseException:
            with self._ready:
                self._started -= 1
                self._ready.notify()
            raise

    def _release(self, worker: _Worker) -> None:
        now = time.monotonic()
        worker.idle_since = now
        with self._ready:
            if self._closed:
                retired = [worker]
            else:
                self._idle.append(worker)
                retired = self._retire(now)
            self._started -= len(retired)
            self._ready.notify()
        for stale in retired:
            stale.stop()

    def _retire(self, now: float) -> list[_Worker]:
        """Idle workers beyond ``keep_idle`` that waited ``idle_seconds``: the least recently used first."""
        retired: list[_Worker] = []
        while len(self._idle) > self.limits.keep_idle and now - self._idle[0].idle_since >= self.limits.idle_seconds:
            retired.append(self._idle.pop(0))
        return retired

    def _discard(self, worker: _Worker) -> None:
        worker.stop()
        with self._ready:
            self._started -= 1
            self._ready.notify()

    # -- quarantine --

    def _refuse_quarantined(self, job: Job) -> None:
        # Nearly always nothing is quarantined, and the template need not be hashed. (Read without the lock: a
        # template that another thread quarantines at this very moment runs once more, into its deadline.)
        if not self._quarantined:
            return
        key = _quarantine_key(job)
        with self._ready:
            until = self._quarantined.get(key)
            if until is None:
                return
            if until <= time.monotonic():
                del self._quarantined[key]
                return
        raise TemplateLimitError(
            localized(
                "the template took longer than {seconds} s (MAILCONSOLE_RENDER_TIMEOUT) less than {quarantine} s "
                "ago, and is refused without running until then: look for a loop that does not end, nested loops "
                "over large lists or a slow regular expression",
                seconds=f"{self.limits.timeout:g}",
                quarantine=f"{self.limits.quarantine:g}",
            ),
            engine=job.engine,
        )

    def _quarantine(self, key: str) -> None:
        with self._ready:
            self._quarantined[key] = time.monotonic() + self.limits.quarantine
            self._quarantined.move_to_end(key)
            while len(self._quarantined) > 1024:
                self._quarantined.popitem(last=False)


def _quarantine_key(job: Job) -> str:
    """A template by its text and engine (not its context: a send's context differs each time)."""
    digest = hashlib.sha256(job.engine.value.encode())
    for text in (job.source, *itertools.chain.from_iterable(sorted((job.partials or {}).items()))):
        encoded = str(text).encode("utf-8", "surrogatepass")  # repr() took 0.015 ms of a render for a 4 KB template
        digest.update(b"%d:%b" % (len(encoded), encoded))  # the length keeps (a, bc) and (ab, c) apart
    return digest.hexdigest()


_default: RenderPool | None = None
_default_lock = threading.Lock()


def default_pool() -> RenderPool:
    """The process's pool, made on first use with the limits of the environment."""
    global _default
    with _default_lock:
        if _default is None:
            _default = RenderPool()
            atexit.register(_default.close)
        return _default


# ---- the package's entry points (re-exported by mailconsole.rendering) -------------------------------------------


def render_template(
    source: str,
    context: Mapping[str, Any],
    engine: TemplateEngine | str = TemplateEngine.HANDLEBAR,
    *,
    partials: Mapping[str, str] | None = None,
) -> str:
    """Render ``source`` with ``context`` (plain JSON-like data; a missing Handlebars name prints as "").

    ``partials`` (Handlebars only) maps partial names to their template source.
    """
    return _in_a_worker(Job(source, engine_of(engine), context, partials))


def check_template(
    source: str,
    engine: TemplateEngine | str = TemplateEngine.HANDLEBAR,
    *,
    partials: Mapping[str, str] | None = None,
) -> None:
    """Compile ``source`` without rendering it; raise TemplateError at the first fault.

    With ``partials`` (Handlebars only), a partial the template uses but that is not given is a fault too.
    """
    _in_a_worker(Job(source, engine_of(engine), None, partials))


def _in_a_worker(job: Job) -> str:
    try:
        return default_pool().run(job)
    except TemplateError:
        raise
    except Exception as err:  # a context or template that cannot cross to the worker, say
        raise TemplateError(
            localized("the template cannot be rendered: {problem}", problem=str(err)), engine=job.engine
        ) from err
