"""The review gallery: its controls (group, sample profile, width) and the grid of rendered mails, each with its
linter findings and a link into the editor. What is rendered, and the cache, are the core's
(``mailconsole.console.gallery``); this module only draws."""

from __future__ import annotations

from typing import NamedTuple

import streamlit as st

from components.email_preview import show_mail
from components.language import _, say
from components.template_preview import checks
from mailconsole.catalog import TEMPLATE_GROUPS, TEMPLATE_TITLES
from mailconsole.console.gallery import Card, GalleryRender, MailCache
from mailconsole.console.markdown import plain
from mailconsole.i18n import localized
from mailconsole.rendering.profiles import PROFILES, SampleProfile

ALL_GROUPS = "all"
WIDTHS = ("Desktop", "Mobile")  # option values; shown translated
WIDTH_LABELS = {"Desktop": localized("Desktop"), "Mobile": localized("Mobile")}
COLUMNS = {"Desktop": 2, "Mobile": 3}  # mails side by side in the wide layout
MAIL_HEIGHT = 460
CACHE_KEY = "gallery.cache"  # this session's MailCache
EDITOR_PAGE = "app_pages/templates.py"


class GallerySettings(NamedTuple):
    group: str | None  # a TemplateGroup key; None: every group
    profile: SampleProfile
    mobile: bool


def gallery_cache() -> MailCache:
    cache: MailCache = st.session_state.setdefault(CACHE_KEY, MailCache())
    return cache


def gallery_controls() -> GallerySettings:
    group_col, profile_col, width_col = st.columns([2, 2, 1], vertical_alignment="bottom")
    every = sum(len(group.types) for group in TEMPLATE_GROUPS)
    titles = {ALL_GROUPS: _("All {count} templates", count=every)}
    titles.update({group.key: say(group.name) for group in TEMPLATE_GROUPS})
    group = group_col.selectbox(_("Group"), list(titles), format_func=titles.__getitem__, key="gallery.group")
    profile = profile_col.selectbox(
        _("Sample profile"),
        list(SampleProfile),
        format_func={item: say(info.title) for item, info in PROFILES.items()}.__getitem__,
        key="gallery.profile",
        help=_("The same variation of the sample values for every mail; the editor offers the same profiles."),
    )
    width = width_col.segmented_control(
        _("Width"),
        WIDTHS,
        format_func={item: say(WIDTH_LABELS[item]) for item in WIDTHS}.__getitem__,
        default=WIDTHS[0],
        key="gallery.width",
    )
    chosen = SampleProfile(profile or SampleProfile.DEFAULT)
    st.caption(say(PROFILES[chosen].summary))
    return GallerySettings(None if group == ALL_GROUPS else group, chosen, width == "Mobile")


def gallery_grid(result: GalleryRender, *, mobile: bool) -> None:
    drafts = sum(card.entry.is_draft for card in result.cards)
    reused = len(result.cards) - result.rendered
    counts = _(
        "{count} mails: {rendered} rendered in {seconds} s, {reused} unchanged (kept from before).",
        count=len(result.cards),
        rendered=result.rendered,
        seconds=f"{result.seconds:.2f}",
        reused=reused,
    )
    marked = _("{count} shown as the unsaved draft (●).", count=drafts) if drafts else ""
    st.caption(f"{counts} :orange[{marked}]" if drafts else counts)
    per_row = COLUMNS["Mobile" if mobile else "Desktop"]
    for start in range(0, len(result.cards), per_row):
        columns = st.columns(per_row, gap="medium")
        for column, card in zip(columns, result.cards[start : start + per_row], strict=False):
            with column, st.container(border=True, key=f"gallery-card-{card.entry.template_type.value}"):
                _card(card, mobile=mobile)


def _card(card: Card, *, mobile: bool) -> None:
    template_type = card.entry.template_type
    title = say(TEMPLATE_TITLES[template_type])
    unsaved = _("unsaved draft")  # outside the f-string: pybabel does not read into one
    marker = f" :orange[● {unsaved}]" if card.entry.is_draft else ""
    st.markdown(f"**{title}**{marker}")
    st.caption(f"`{template_type.value}`")
    st.page_link(
        EDITOR_PAGE,
        label=_("Open in the editor"),
        icon=":material/edit_note:",
        query_params={"type": template_type.value},
    )
    preview = card.preview
    if preview.ok:
        st.markdown(
            _(
                "**From:** {sender}  \n**Subject:** {subject}",
                sender=plain(preview.sender),
                subject=plain(preview.subject),
            )
        )
        show_mail(preview.html, key=f"gallery.{template_type.value}", mobile=mobile, height=MAIL_HEIGHT)
    for field, error in preview.errors.items():
        problem = plain(say(error.described()))
        sentence = {
            "content": _("The body does not render: {problem}", problem=problem),
            "subject": _("The subject does not render: {problem}", problem=problem),
            "sender": _("The sender does not render: {problem}", problem=problem),
        }[field]
        st.error(sentence, icon=":material/code_off:")
    checks(list(card.findings), preview)
