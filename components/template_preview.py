"""Beside the editor: the live preview, the backend's preview to compare, the sample context, and the checks."""

from __future__ import annotations

import streamlit as st

from components.email_preview import show_mail
from components.feedback import attempt
from components.language import _, say
from components.profile_picker import profile_picker, save_profile
from components.provider_state import remember_provider
from mailconsole.console.drafts import Draft, Preview, default_context
from mailconsole.console.markdown import plain
from mailconsole.console.session import Connection
from mailconsole.models import EmailProvider, RenderedEmail
from mailconsole.rendering import LintFinding, html_to_text
from mailconsole.senders import from_identity

NO_PROBLEMS = "No problems found"  # the English of the sentence below (tests look for it)
SHOWN_FINDINGS = 8  # more would push the page down; the rest are counted


def previews(
    connection: Connection, keys: dict[str, str], draft: Draft, preview: Preview, context_error: str | None
) -> None:
    management = connection.management
    provider = _provider(connection)
    mobile = st.toggle(
        _("Mobile width (375 px)"), key="tpl.mobile", help=_("Off: a desktop reading pane, 600 px and up.")
    )
    # Sample profiles (issue 14): loaded into the sample context below, which stays editable.
    profile_picker(
        keys["context"],
        draft.template_type,
        default_context(draft.template_type, draft.expires_in, connection.app_name),
    )
    live_tab, backend_tab, context_tab = st.tabs([_("Live preview"), _("Backend preview"), _("Sample context")])
    with context_tab:
        st.caption(_("The variables the preview renders with. Edit them to try other values."))
        st.text_area(_("Sample context (JSON)"), key=keys["context"], height=380, label_visibility="collapsed")
        save_profile(keys["context"], draft.template_type)
        if context_error:
            st.error(context_error, icon=":material/data_object:")
    with live_tab:
        if context_error:
            st.error(context_error, icon=":material/data_object:")
        shown: Preview | None = preview if preview.ok else st.session_state.get(keys["last_good"])
        if not preview.ok:
            st.caption(
                _(":orange[The template has an error (see the editor); this is the last version that rendered.]")
                if shown
                else _(":orange[The template has an error (see the editor); nothing has rendered yet.]")
            )
        if shown is not None:
            _show_rendered(shown, provider, mobile=mobile, key=keys["preview"], in_place=True)
    with backend_tab:
        st.caption(_("The backend renders the draft with its own sample values: the same renderer, as a check."))
        if st.button(_("Render on the backend"), key=f"{keys['backend']}.button", icon=":material/cloud_sync:"):
            assert management is not None
            mail = attempt(
                _("Rendering on the backend"),
                management.preview_email_template,
                type=draft.template_type,
                content=draft.content,
                subject=draft.subject,
                sender=draft.sender,
                expires_in=draft.expires_in,
                tpl_engine=draft.tpl_engine,
            )
            if mail is not None:
                st.session_state[keys["backend"]] = (draft, mail)
        result: tuple[Draft, RenderedEmail] | None = st.session_state.get(keys["backend"])
        if result is not None:
            rendered_draft, mail = result
            if rendered_draft != draft:
                st.caption(_(":orange[Rendered from an earlier version of the draft; render again to compare.]"))
            elif preview.ok:
                same = (mail.subject, mail.sender, mail.content) == (preview.subject, preview.sender, preview.html)
                st.caption(
                    _("Same as the live preview.")
                    if same
                    else _("Differs from the live preview (the backend uses its own sample values).")
                )
            rendered = Preview(subject=mail.subject, sender=mail.sender, html=mail.content)
            _show_rendered(rendered, provider, mobile=mobile, key=keys["backend"])


def checks(findings: list[LintFinding], preview: Preview, *, engine_mismatch_shown: bool = False) -> None:
    """The linter's findings, recomputed on every edit."""
    st.markdown(_("**Checks**"))
    if preview.compile_errors:
        # The error is shown beside the field already; the other checks need a template that compiles.
        st.caption(_("The checks run once the template compiles."))
        return
    if engine_mismatch_shown:
        st.warning(_("The body is written for the other engine (see under the editor)."), icon=":material/swap_horiz:")
    elif not findings:
        st.caption(_(":green[:material/check_circle:] No problems found"))
        return
    for finding in findings[:SHOWN_FINDINGS]:
        place = {"content": _("Body"), "subject": _("Subject"), "sender": _("Sender")}[finding.field]
        if finding.line is not None and finding.field == "content":
            place = _("Body, line {line}", line=finding.line)
        # The message quotes the template: no Markdown in it.
        text = _("**{place}:** {message}", place=place, message=plain(say(finding.text)))
        if finding.severity == "error":
            st.error(text, icon=":material/error:")
        else:
            st.warning(text, icon=":material/warning:")
    if len(findings) > SHOWN_FINDINGS:
        st.caption(_("And {count} more.", count=len(findings) - SHOWN_FINDINGS))


def _provider(connection: Connection) -> EmailProvider | None:
    """The provider settings (for the From of the preview), read once per session; None when they cannot be read
    (the preview then shows the sender's name alone)."""
    if connection.data.provider is None and connection.management is not None:
        provider = attempt(_("Reading the provider settings"), connection.management.get_email_provider)
        if provider is not None:
            remember_provider(connection, provider)
    return connection.data.provider


def _show_rendered(
    mail: Preview, provider: EmailProvider | None, *, mobile: bool, key: str, in_place: bool = False
) -> None:
    """``key`` names the preview for the remote images switch: one per template, live and backend apart. The From
    is the one a send uses (``from_identity``): the rendered sender, and the provider's address."""
    sender = from_identity(provider, mail.sender)
    address = f" {plain(f'<{sender.address}>')}" if sender.address else ""
    st.markdown(
        _("**From:** {sender}", sender=f"{plain(sender.name)}{address}")
        + "  \n"
        + _("**Subject:** {subject}", subject=plain(mail.subject))
    )
    if provider is not None and not provider.enabled:
        st.caption(_("Sent by the platform's built-in mail service, from its own address."))
    show_mail(mail.html, key=key, mobile=mobile, height=560, in_place=in_place)
    with st.expander(_("Plain-text part")):
        st.text(html_to_text(mail.html))
