"""The editor's sample profile: pick one to load its values into the sample context (which stays editable JSON),
and save the values as typed as a profile of your own for this session. The profiles are the core's
(``mailconsole.console.sample_profiles``); this module only draws them."""

from __future__ import annotations

import json
from typing import Any

import streamlit as st

from components.language import _, say, session_language
from components.template_state import keep_choice
from mailconsole.console.drafts import parse_context
from mailconsole.console.sample_profiles import (
    OwnProfiles,
    choice_context,
    choice_description,
    choice_label,
    profile_choices,
)
from mailconsole.models import TemplateType

OWN_PROFILES_KEY = "tpl.own_profiles"  # this session's OwnProfiles


def own_profiles() -> OwnProfiles:
    profiles: OwnProfiles = st.session_state.setdefault(OWN_PROFILES_KEY, OwnProfiles())
    return profiles


def _keys(template_type: TemplateType) -> dict[str, str]:
    base = f"tpl.{template_type.value}"
    return {"choice": f"{base}.profile", "name": f"{base}.profile_name", "error": f"{base}.profile_error"}


def profile_picker(context_key: str, template_type: TemplateType, base: dict[str, Any]) -> None:
    """The picker; choosing a profile writes its values into the sample context's JSON (``context_key``)."""
    keys = _keys(template_type)
    choices = profile_choices(template_type, own_profiles())
    if st.session_state.get(keys["choice"]) not in choices:
        st.session_state[keys["choice"]] = choices[0]
    keep_choice(keys["choice"])
    language = session_language()
    choice = st.selectbox(
        _("Sample profile"),
        choices,
        format_func=lambda item: choice_label(item, language),
        key=keys["choice"],
        on_change=_load,
        args=(context_key, template_type, base),
        help=_("Values to preview with. They load into the sample context, where you can still edit them."),
    )
    st.caption(choice_description(choice, language))


def _load(context_key: str, template_type: TemplateType, base: dict[str, Any]) -> None:
    choice = st.session_state[_keys(template_type)["choice"]]
    context = choice_context(choice, template_type, base, own_profiles())
    st.session_state[context_key] = json.dumps(context, indent=2, ensure_ascii=False)


def save_profile(context_key: str, template_type: TemplateType) -> None:
    """Save the sample context as typed as a profile of the admin's own, for this session."""
    keys = _keys(template_type)
    name_col, button_col = st.columns([3, 1], vertical_alignment="bottom")
    name_col.text_input(
        _("Save these values as a profile"), key=keys["name"], placeholder=_("Name, e.g. Long Dutch name")
    )
    button_col.button(
        _("Save profile"),
        key=f"{keys['name']}.save",
        icon=":material/bookmark_add:",
        on_click=_save,
        args=(context_key, template_type),
    )
    error = st.session_state.get(keys["error"])
    if error:
        st.error(error, icon=":material/bookmark:")
    else:
        st.caption(_("Your profiles last for this session, for this template type."))


def _save(context_key: str, template_type: TemplateType) -> None:
    keys = _keys(template_type)
    try:
        context = parse_context(st.session_state[context_key])
    except ValueError as err:
        st.session_state[keys["error"]] = _(
            "The sample context is not valid JSON ({error}); correct it, then save.", error=err
        )
        return
    try:
        choice = own_profiles().save(template_type, st.session_state.get(keys["name"], ""), context)
    except ValueError as err:
        st.session_state[keys["error"]] = say(err)
        return
    st.session_state[keys["error"]] = None
    st.session_state[keys["choice"]] = choice
    st.session_state[keys["name"]] = ""
