"""The review gallery: every template (or one group) rendered in one sample profile, with its linter findings.

A template shows as the session's draft where one waits (marked), else as saved. Mails render in parallel (each
render runs in a worker process of the pool, so threads here only wait) and are kept by what they were rendered
from (subject, sender, body, engine, context): a gallery shown again with nothing changed renders nothing.
"""

from __future__ import annotations

import json
import threading
import time
from collections import OrderedDict
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any, NamedTuple

from mailconsole.catalog import TEMPLATE_GROUPS
from mailconsole.console.drafts import Draft, Drafts, Preview, default_context, render_draft
from mailconsole.models import EmailTemplate, TemplateType
from mailconsole.rendering import LintFinding, lint_template
from mailconsole.rendering.profiles import SampleProfile, profile_context
from mailconsole.rendering.workers import default_pool

# Mails rendered at once: each waits for a worker process, of which the pool has at most ``max_workers``.
PARALLEL_RENDERS = 8
CACHED_MAILS = 256  # about 17 galleries of 15; a mail is some kilobytes


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


class MailCache:
    """Rendered mails by what they were rendered from, the least recently used dropped first; thread-safe."""

    def __init__(self, size: int = CACHED_MAILS) -> None:
        self.size = size
        self._cards: OrderedDict[str, tuple[Preview, tuple[LintFinding, ...]]] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def key(draft: Draft, context: Mapping[str, Any]) -> str:
        sources = (draft.template_type.value, draft.tpl_engine, draft.subject, draft.sender, draft.content)
        return json.dumps([sources, context], sort_keys=True, ensure_ascii=False, default=str)

    def get(self, key: str) -> tuple[Preview, tuple[LintFinding, ...]] | None:
        with self._lock:
            found = self._cards.get(key)
            if found is not None:
                self._cards.move_to_end(key)
            return found

    def put(self, key: str, value: tuple[Preview, tuple[LintFinding, ...]]) -> None:
        with self._lock:
            self._cards[key] = value
            self._cards.move_to_end(key)
            while len(self._cards) > self.size:
                self._cards.popitem(last=False)


def render_mail(draft: Draft, context: dict[str, Any]) -> tuple[Preview, tuple[LintFinding, ...]]:
    """One mail as the editor shows it: rendered, and linted (the linter renders with the type's sample data)."""
    findings = lint_template(
        draft.content, draft.tpl_engine, draft.template_type, subject=draft.subject, sender=draft.sender
    )
    return render_draft(draft, context), tuple(findings)


def render_gallery(
    entries: list[GalleryEntry], profile: SampleProfile | str, cache: MailCache, app_name: str | None = None
) -> GalleryRender:
    """Every entry rendered in ``profile``: from ``cache`` where nothing changed, the rest in parallel."""
    started = time.perf_counter()
    jobs = [(entry, gallery_context(entry.draft, profile, app_name)) for entry in entries]
    keys = [MailCache.key(entry.draft, context) for entry, context in jobs]
    missing = {key: job for key, job in zip(keys, jobs, strict=True) if cache.get(key) is None}
    if missing:
        workers = max(1, min(PARALLEL_RENDERS, default_pool().limits.max_workers, len(missing)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="gallery") as pool:
            done = pool.map(lambda job: render_mail(job[0].draft, job[1]), missing.values())
            for key, outcome in zip(missing, done, strict=True):
                cache.put(key, outcome)
    cards = []
    for (entry, _context), key in zip(jobs, keys, strict=True):
        # Rendered just now, or found in the cache above; a cache smaller than one gallery renders it again.
        preview, findings = cache.get(key) or render_mail(entry.draft, _context)
        cards.append(Card(entry, preview, findings))
    return GalleryRender(cards, rendered=len(missing), seconds=time.perf_counter() - started)
