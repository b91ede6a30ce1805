"""Where one template's editor keeps its state in ``st.session_state``: the widget keys of a template (a new
generation of them when it is loaded again, so that the Ace editor really shows the reloaded text), the draft as
the widgets hold it, and the sample context typed as JSON."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from mailconsole.catalog import REDIRECT_TYPES
from mailconsole.console.drafts import Draft, default_context, parse_context
from mailconsole.models import TemplateType


def editor_keys(template_type: TemplateType) -> dict[str, str]:
    """The widget keys of one template's editor; they change (new generation) when it is loaded again, so that the
    Ace editor really shows the reloaded text."""
    generation = st.session_state.setdefault(f"tpl.{template_type.value}.gen", 0)
    base = f"tpl.{template_type.value}.{generation}"
    keys = {name: f"{base}.{name}" for name in Draft.__dataclass_fields__ if name != "template_type"}
    keys.update(
        context=f"tpl.{template_type.value}.context",
        context_good=f"tpl.{template_type.value}.context_good",
        last_good=f"tpl.{template_type.value}.last_good",
        preview=f"tpl.{template_type.value}.preview",  # the live preview's remote images switch
        backend=f"tpl.{template_type.value}.backend",
        confirm_reset=f"tpl.{template_type.value}.confirm_reset",
        # A save by someone else found on saving (a ``Conflict``), until reloaded or overwritten.
        conflict=f"tpl.{template_type.value}.conflict",
    )
    return keys


def reload_editor(template_type: TemplateType) -> None:
    """Show the saved version again: a new generation of keys, so every widget (and Ace) starts from it."""
    gen_key = f"tpl.{template_type.value}.gen"
    st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1


def current_draft(saved: Draft, keys: dict[str, str]) -> Draft:
    """The draft as the widgets hold it at the start of this run (before they are drawn, so the preview and the
    editor's error markers can be computed first)."""
    state = st.session_state
    return Draft(
        template_type=saved.template_type,
        name=state[keys["name"]],
        subject=state[keys["subject"]],
        sender=state[keys["sender"]],
        customize_enabled=bool(state[keys["customize_enabled"]]),
        expires_in=int(state[keys["expires_in"]]) if saved.expires_in is not None else None,
        redirect_to=(state[keys["redirect_to"]].strip() or None) if saved.template_type in REDIRECT_TYPES else None,
        tpl_engine=state[keys["tpl_engine"]],
        # Ace holds no value until the browser first reports one.
        content=content if isinstance(content := state.get(keys["content"]), str) else saved.content,
    )


def sample_context_of(keys: dict[str, str], saved: Draft) -> tuple[dict[str, Any], str | None]:
    """The sample context: the JSON typed in, or the last valid one when it does not parse."""
    if keys["context"] not in st.session_state:
        initial = default_context(saved.template_type, saved.expires_in)
        st.session_state[keys["context"]] = json.dumps(initial, indent=2, ensure_ascii=False)
        st.session_state[keys["context_good"]] = initial
    try:
        context = parse_context(st.session_state[keys["context"]])
    except ValueError as err:
        good: dict[str, Any] = st.session_state.get(keys["context_good"]) or default_context(
            saved.template_type, saved.expires_in
        )
        return good, f"The sample context is not valid JSON ({err}); the preview uses the last valid one."
    st.session_state[keys["context_good"]] = context
    return context, None
