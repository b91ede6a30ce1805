"""The console core's review gallery (``mailconsole.console.gallery``): which templates it shows (drafts instead of
the saved ones), rendered in a profile, and an unchanged gallery rendered from the cache."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailconsole.catalog import TEMPLATE_GROUPS
from mailconsole.console import gallery
from mailconsole.console.drafts import Draft, Drafts
from mailconsole.console.gallery import MailCache, gallery_entries, render_gallery
from mailconsole.models import TemplateType
from mailconsole.rendering import LintFinding
from mailconsole.rendering.profiles import SampleProfile
from mailconsole.service.defaults import default_templates

LOGIN, WELCOME = TemplateType.LOGIN_VERIFY_CODE, TemplateType.WELCOME_EMAIL
TEMPLATES = {str(template.type): template for template in default_templates()}


def test_all_fifteen_in_the_order_of_the_groups_or_one_group() -> None:
    entries = gallery_entries(TEMPLATES, Drafts())
    assert [entry.template_type for entry in entries] == [t for group in TEMPLATE_GROUPS for t in group.types]
    assert not any(entry.is_draft for entry in entries)
    codes = gallery_entries(TEMPLATES, Drafts(), "verify_code")
    assert [entry.template_type for entry in codes] == list(TEMPLATE_GROUPS[1].types)
    with pytest.raises(ValueError, match="unknown template group 'codes': use one of welcome, verify_code"):
        gallery_entries(TEMPLATES, Drafts(), "codes")


def test_a_draft_of_the_session_is_shown_instead_of_the_saved_template() -> None:
    drafts = Drafts()
    saved = Draft.of(TEMPLATES[LOGIN.value])
    drafts.keep(saved, replace(saved, subject="Draft subject {{verify_code}}"))
    result = render_gallery(gallery_entries(TEMPLATES, drafts), SampleProfile.DEFAULT, MailCache())
    (login,) = [card for card in result.cards if card.entry.template_type is LOGIN]
    assert login.entry.is_draft and login.preview.subject == "Draft subject 482913"
    assert [card.entry.template_type for card in result.cards if card.entry.is_draft] == [LOGIN]


def test_fifteen_mails_render_with_their_findings_and_an_unchanged_gallery_renders_nothing() -> None:
    cache = MailCache()
    first = render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.CHINESE, cache)
    assert first.rendered == 15 and len(first.cards) == 15
    assert all(card.preview.ok and "陈爱丽" in card.preview.html for card in first.cards)
    assert all(card.findings == () for card in first.cards)  # the built-in mails are clean
    again = render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.CHINESE, cache)
    assert again.rendered == 0
    assert [card.preview.html for card in again.cards] == [card.preview.html for card in first.cards]
    other = render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.LONG, cache)
    assert other.rendered == 15  # another context is another render


def test_only_the_changed_template_renders_again_and_its_findings_follow_it() -> None:
    cache = MailCache()
    render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.DEFAULT, cache)
    drafts = Drafts()
    saved = Draft.of(TEMPLATES[WELCOME.value])
    drafts.keep(saved, replace(saved, content='<p>Hi {{user_nmae}}</p><img src="https://x.example/a.png">'))
    result = render_gallery(gallery_entries(TEMPLATES, drafts), SampleProfile.DEFAULT, cache)
    assert result.rendered == 1
    welcome = result.cards[0]
    assert {finding.rule for finding in welcome.findings} == {"unknown-variable", "img-alt"}


def test_a_template_that_does_not_compile_shows_its_error_in_its_own_card() -> None:
    drafts = Drafts()
    saved = Draft.of(TEMPLATES[WELCOME.value])
    drafts.keep(saved, replace(saved, content="<p>{{#if user_name}}open</p>"))
    result = render_gallery(gallery_entries(TEMPLATES, drafts), SampleProfile.DEFAULT, MailCache())
    welcome, rest = result.cards[0], result.cards[1:]
    assert "content" in welcome.preview.compile_errors
    assert [finding.rule for finding in welcome.findings] == ["compile-error"]
    assert all(card.preview.ok for card in rest)


def test_the_cache_keeps_the_most_recently_used_mails() -> None:
    cache = MailCache(size=15)
    render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.DEFAULT, cache)
    assert render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.LONG, cache).rendered == 15
    assert render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.DEFAULT, cache).rendered == 15


def test_another_profile_renders_the_mails_again_but_keeps_their_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    linted: list[TemplateType] = []
    real_lint = gallery.lint_draft

    def counted(draft: Draft) -> tuple[LintFinding, ...]:
        linted.append(draft.template_type)
        return real_lint(draft)

    monkeypatch.setattr(gallery, "lint_draft", counted)
    cache = MailCache()
    render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.DEFAULT, cache)
    assert len(linted) == 15
    result = render_gallery(gallery_entries(TEMPLATES, Drafts()), SampleProfile.LONG, cache)
    assert result.rendered == 15 and len(linted) == 15  # the linter's verdict does not depend on the profile
    assert all("Maximiliane" in card.preview.html for card in result.cards)
