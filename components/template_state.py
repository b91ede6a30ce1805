"""Where one template's editor keeps its state in ``st.session_state``: the widget keys of a template (a new
generation of them when it is loaded again, so that the Ace editor really shows the reloaded text), the session's
drafts (``Drafts``, per tenant), the draft as the widgets hold it, and the sample context typed as JSON."""

from __future__ import annotations

import json
import time
from typing import Any

import streamlit as st

from components.language import _, session_language
from mailconsole.catalog import REDIRECT_TYPES
from mailconsole.console.drafts import Draft, Drafts, default_context, parse_context
from mailconsole.console.session import DRAFTS_KEY, Connection
from mailconsole.models import TemplateType


def editor_keys(template_type: TemplateType) -> dict[str, str]:
    """The widget keys of one template's editor; they change (new generation) when it is loaded again, so that the
    Ace editor really shows the reloaded text."""
    # Not 0: the generation is dropped with the tenant, and the next tenant's editor of the same type must not
    # get the same keys (Ace would keep the other tenant's text).
    generation = st.session_state.setdefault(f"tpl.{template_type.value}.gen", time.monotonic_ns())
    base = f"tpl.{template_type.value}.{generation}"
    keys = {name: f"{base}.{name}" for name in Draft.__dataclass_fields__ if name != "template_type"}
    keys.update(
        context=f"tpl.{template_type.value}.context",
        context_good=f"tpl.{template_type.value}.context_good",
        last_good=f"tpl.{template_type.value}.last_good",
        preview=f"tpl.{template_type.value}.preview",  # the live preview's remote images switch
        backend=f"tpl.{template_type.value}.backend",
        confirm_reset=f"tpl.{template_type.value}.confirm_reset",
        confirm_discard=f"tpl.{template_type.value}.confirm_discard",
        # The engine for which the admin chose to keep a body written for the other one (no more warning).
        keep_text=f"tpl.{template_type.value}.kept_text",
        # A save by someone else found on saving (a ``Conflict``), until reloaded or overwritten.
        conflict=f"tpl.{template_type.value}.conflict",
    )
    return keys


def keep_choice(key: str) -> None:
    """Before a picker whose labels are translated: keep its choice when the session's language switches. The
    browser sends the choice as the label it showed, which the new labels no longer hold; stored again as its value
    (read with the labels of the run before), the choice stays. Only on the run after a switch: a widget's value
    set from the session state on every run made each run of the templates page slower (bench: 40 -> 70 ms)."""
    language, shown_in = session_language(), f"{key}.language"
    if key in st.session_state and st.session_state.get(shown_in, language) != language:
        st.session_state[key] = st.session_state[key]
    st.session_state[shown_in] = language


def session_drafts(connection: Connection) -> Drafts:
    """This session's drafts of the connected tenant."""
    by_tenant: dict[str, Drafts] = st.session_state.setdefault(DRAFTS_KEY, {})
    return by_tenant.setdefault(connection.tenant.name, Drafts())


def reload_editor(template_type: TemplateType) -> None:
    """Show the template again as stored or drafted: a new generation of keys, so every widget (and Ace) starts
    from it."""
    gen_key = f"tpl.{template_type.value}.gen"
    st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1


def discard_draft(connection: Connection, template_type: TemplateType) -> None:
    """Drop the draft (the admin said so, or it was saved): the editor shows the stored template."""
    session_drafts(connection).discard(template_type)
    reload_editor(template_type)


def load_draft(connection: Connection, draft: Draft) -> None:
    """Put ``draft`` into the editor (a built-in body to start from, say), as an unsaved draft."""
    session_drafts(connection).by_type[draft.template_type] = draft
    reload_editor(draft.template_type)


def start_widgets(keys: dict[str, str], start: Draft) -> None:
    """Give the widgets of a freshly shown editor the values of ``start`` (the draft, else the stored template);
    widgets already on the page keep what the admin typed."""
    initial = {
        "name": start.name,
        "subject": start.subject,
        "sender": start.sender,
        "customize_enabled": start.customize_enabled,
        "expires_in": start.expires_in,
        "redirect_to": start.redirect_to or "",
        "tpl_engine": start.tpl_engine,
    }
    for name, value in initial.items():
        if keys[name] not in st.session_state and value is not None:
            st.session_state[keys[name]] = value


def current_draft(start: Draft, keys: dict[str, str]) -> Draft:
    """The draft as the widgets hold it at the start of this run (before they are drawn, so the preview and the
    editor's error markers can be computed first)."""
    state = st.session_state
    return Draft(
        template_type=start.template_type,
        name=state[keys["name"]],
        subject=state[keys["subject"]],
        sender=state[keys["sender"]],
        customize_enabled=bool(state[keys["customize_enabled"]]),
        expires_in=int(state[keys["expires_in"]]) if start.expires_in is not None else None,
        redirect_to=(state[keys["redirect_to"]].strip() or None) if start.template_type in REDIRECT_TYPES else None,
        tpl_engine=state[keys["tpl_engine"]],
        # Ace holds no value until the browser first reports one.
        content=content if isinstance(content := state.get(keys["content"]), str) else start.content,
    )


def sample_context_of(
    keys: dict[str, str], saved: Draft, app_name: str | None = None
) -> tuple[dict[str, Any], str | None]:
    """The sample context: the JSON typed in, or the last valid one when it does not parse. It starts with the
    application's name where a send prints it, when known."""
    if keys["context"] not in st.session_state:
        initial = default_context(saved.template_type, saved.expires_in, app_name)
        st.session_state[keys["context"]] = json.dumps(initial, indent=2, ensure_ascii=False)
        st.session_state[keys["context_good"]] = initial
    try:
        context = parse_context(st.session_state[keys["context"]])
    except ValueError as err:
        good: dict[str, Any] = st.session_state.get(keys["context_good"]) or default_context(
            saved.template_type, saved.expires_in
        )
        return good, _(
            "The sample context is not valid JSON ({error}); the preview uses the last valid one.", error=err
        )
    st.session_state[keys["context_good"]] = context
    return context, None
