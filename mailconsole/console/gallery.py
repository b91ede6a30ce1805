"""The review gallery: every template (or one group) rendered in one sample profile, with its linter findings.

A template shows as the session's draft where one waits (marked), else as saved. Mails render in parallel (each
render runs in a worker process of the pool, so threads here only wait) and are kept by what they were rendered
from (subject, sender, body, engine, context): a gallery shown again with nothing changed renders nothing.
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, Generic, NamedTuple, TypeVar

from mailconsole.catalog import TEMPLATE_GROUPS
from mailconsole.console.drafts import Draft, Drafts, Preview, default_context, render_draft
from mailconsole.models import EmailTemplate, TemplateType
from mailconsole.rendering import LintFinding, lint_template
from mailconsole.rendering.profiles import SampleProfile, profile_context
from mailconsole.rendering.workers import default_pool

# Mails rendered at once, one per core (each waits for a worker process of the pool). Not more: every worker
# compiles each template anew (compiled templates are cached per worker), so more threads start more cold workers.
# Measured on 2 busy cores (bench/gallery_bench.py, empty cache): 15 mails in 35-95 ms with 1 or 2 at once, in
# 55-450 ms with 8, the slowest while the new workers compile.
PARALLEL_RENDERS = min(4, os.cpu_count() or 1)
CACHED_MAILS = 256  # about 17 galleries of 15; a mail is some kilobytes

T = TypeVar("T")


@dataclass(frozen=True)
class GalleryEntry:
    """One template as the gallery shows it: the session's draft where one waits, else the saved template."""

    draft: Draft
    is_draft: bool

    @property
    def template_type(self) -> TemplateType:
        return self.draft.template_type


@dataclass(frozen=True)
class Card:
    """One rendered mail of the gallery: the preview (or the errors by field) and the linter's findings."""

    entry: GalleryEntry
    preview: Preview
    findings: tuple[LintFinding, ...]


class GalleryRender(NamedTuple):
    cards: list[Card]
    rendered: int  # mails rendered by this call; the others came from the cache
    seconds: float


def gallery_entries(
    templates: Mapping[str, EmailTemplate], drafts: Drafts, group_key: str | None = None
) -> list[GalleryEntry]:
    """The templates the backend offers, in the order of the groups (only ``group_key``'s when given)."""
    groups = [group for group in TEMPLATE_GROUPS if group_key in (None, group.key)]
    if not groups:
        known = ", ".join(group.key for group in TEMPLATE_GROUPS)
        raise ValueError(f"unknown template group {group_key!r}: use one of {known}")
    entries = []
    for group in groups:
        for template_type in group.types:
            template = templates.get(template_type.value)
            if template is None:
                continue
            draft = drafts.get(template_type)
            entries.append(GalleryEntry(draft or Draft.of(template), is_draft=draft is not None))
    return entries


def gallery_context(draft: Draft, profile: SampleProfile | str, app_name: str | None = None) -> dict[str, Any]:
    """The context a mail of the gallery renders with: the editor's starting context, in ``profile``."""
    base = default_context(draft.template_type, draft.expires_in, app_name)
    return profile_context(profile, draft.template_type, base)


class _Recent(Generic[T]):
    """Values by key, the least recently used dropped first; thread-safe."""

    def __init__(self, size: int) -> None:
        self.size = size
        self._values: OrderedDict[str, T] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> T | None:
        with self._lock:
            found = self._values.get(key)
            if found is not None:
                self._values.move_to_end(key)
            return found

    def put(self, key: str, value: T) -> None:
        with self._lock:
            self._values[key] = value
            self._values.move_to_end(key)
            while len(self._values) > self.size:
                self._values.popitem(last=False)


class MailCache:
    """What the gallery rendered, by what it was rendered from: a mail by its subject, sender, body, engine and
    context; its findings by the template alone (the linter renders with the type's own sample data), so another
    profile renders the mails again but does not lint them again."""

    def __init__(self, size: int = CACHED_MAILS) -> None:
        self.previews: _Recent[Preview] = _Recent(size)
        self.findings: _Recent[tuple[LintFinding, ...]] = _Recent(size)

    @staticmethod
    def template_key(draft: Draft) -> str:
        sources = (draft.template_type.value, draft.tpl_engine, draft.subject, draft.sender, draft.content)
        return json.dumps(sources, ensure_ascii=False)

    @staticmethod
    def mail_key(draft: Draft, context: Mapping[str, Any]) -> str:
        return json.dumps([MailCache.template_key(draft), context], sort_keys=True, ensure_ascii=False, default=str)


def lint_draft(draft: Draft) -> tuple[LintFinding, ...]:
    """The findings the editor shows for this template."""
    return tuple(
        lint_template(draft.content, draft.tpl_engine, draft.template_type, subject=draft.subject, sender=draft.sender)
    )


class _Job(NamedTuple):
    entry: GalleryEntry
    context: dict[str, Any]
    mail_key: str
    template_key: str


def _complete(job: _Job, cache: MailCache) -> None:
    """Render and lint what the cache does not have of this mail yet."""
    if cache.previews.get(job.mail_key) is None:
        cache.previews.put(job.mail_key, render_draft(job.entry.draft, job.context))
    if cache.findings.get(job.template_key) is None:
        cache.findings.put(job.template_key, lint_draft(job.entry.draft))


def render_gallery(
    entries: list[GalleryEntry], profile: SampleProfile | str, cache: MailCache, app_name: str | None = None
) -> GalleryRender:
    """Every entry rendered in ``profile`` and linted: from ``cache`` where nothing changed, the rest in parallel."""
    started = time.perf_counter()
    jobs = []
    for entry in entries:
        context = gallery_context(entry.draft, profile, app_name)
        jobs.append(_Job(entry, context, MailCache.mail_key(entry.draft, context), MailCache.template_key(entry.draft)))
    missing = [
        job for job in jobs if cache.previews.get(job.mail_key) is None or cache.findings.get(job.template_key) is None
    ]
    rendered = sum(cache.previews.get(job.mail_key) is None for job in missing)
    if missing:
        workers = max(1, min(PARALLEL_RENDERS, default_pool().limits.max_workers, len(missing)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gallery") as pool:
            list(pool.map(lambda job: _complete(job, cache), missing))
    cards = []
    for job in jobs:
        # Found, or made just now; a cache smaller than one gallery may have dropped it since: made again.
        preview = cache.previews.get(job.mail_key)
        findings = cache.findings.get(job.template_key)  # () when clean: compared with None, not as a truth value
        cards.append(
            Card(
                job.entry,
                render_draft(job.entry.draft, job.context) if preview is None else preview,
                lint_draft(job.entry.draft) if findings is None else findings,
            )
        )
    return GalleryRender(cards, rendered=rendered, seconds=time.perf_counter() - started)
