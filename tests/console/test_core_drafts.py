"""The console core's drafts (``mailconsole.console.drafts``): the session's store of unsaved drafts, the built-in
body as a draft in either engine, and a body written for the other engine."""

from __future__ import annotations

from dataclasses import replace

import pytest

from mailconsole.console.drafts import Draft, Drafts, engine_mismatch, with_builtin, written_for
from mailconsole.models import TemplateType
from mailconsole.service.defaults import default_content, default_template

LOGIN, WELCOME = TemplateType.LOGIN_VERIFY_CODE, TemplateType.WELCOME_EMAIL


def saved(template_type: TemplateType) -> Draft:
    return Draft.of(default_template(template_type))


def test_a_draft_is_kept_while_it_differs_and_dropped_when_it_equals_the_saved_template_again() -> None:
    drafts = Drafts()
    edited = replace(saved(WELCOME), subject="Hello")
    drafts.keep(saved(WELCOME), edited)
    drafts.keep(saved(LOGIN), replace(saved(LOGIN), content="<p>x</p>"))
    assert drafts.get(WELCOME) == edited
    assert drafts.waiting() == [WELCOME, LOGIN]  # in the order of the template groups
    drafts.keep(saved(WELCOME), saved(WELCOME))
    assert drafts.get(WELCOME) is None
    drafts.discard(LOGIN)
    assert drafts.waiting() == []


def test_the_built_in_body_as_a_draft_keeps_the_admins_other_fields() -> None:
    mine = replace(saved(LOGIN), name="Mine", customize_enabled=True, expires_in=600, content="<p>old</p>")
    builtin = with_builtin(mine, "ejs")
    assert (builtin.content, builtin.tpl_engine) == (default_content(LOGIN.value, "ejs"), "ejs")
    assert builtin.subject == "Your <%= app_name %> login code: <%= verify_code %>"
    assert (builtin.name, builtin.customize_enabled, builtin.expires_in) == ("Mine", True, 600)


@pytest.mark.parametrize(
    ("content", "engine"),
    [
        ("<p>{{user_name}}</p>", "handlebar"),
        ("{{#if app_logo}}x{{/if}}", "handlebar"),
        ("<p><%= user_name %></p>", "ejs"),
        ("<% if (locals.x) { %>x<% } %>", "ejs"),
        ("<p>No tags at all</p>", None),
        ("<p>{{a}} and <%= b %></p>", None),
        ("<style>a { color: red }</style>", None),  # CSS braces are no Handlebars tag
    ],
)
def test_which_engine_a_body_is_written_for(content: str, engine: str | None) -> None:
    assert written_for(content) == engine


def test_a_handlebars_body_under_the_ejs_engine_is_a_mismatch() -> None:
    draft = saved(LOGIN)
    assert engine_mismatch(draft) is None
    assert engine_mismatch(replace(draft, tpl_engine="ejs")) == "handlebar"
    assert engine_mismatch(with_builtin(replace(draft, tpl_engine="ejs"), "ejs")) is None
