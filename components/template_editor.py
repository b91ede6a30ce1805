"""The templates: the list of 15, and the workbench of one (fields, the body in an Ace editor, the live preview
beside it, the backend's preview to compare, save / revert / reset).

The live preview renders with ``mailconsole.rendering``, the renderer the service itself uses, so what the admin
sees while typing is what the platform will send; its linter's findings show under the preview ("Checks") and in
the editor's gutter. ``Draft``, ``render_draft``, ``parse_context`` and ``annotations_for`` need no UI.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, NoReturn

import pandas as pd
import streamlit as st
from streamlit_ace import st_ace

from components.conflicts import (
    OVERWRITE,
    RELOAD,
    Conflict,
    conflict_panel,
    last_change,
    other_template_changes,
    template_diff,
    who_changed,
)
from components.connection import Connection
from components.email_preview import plain, show_mail
from components.feedback import attempt, call, flash, show_error, show_flash
from mailconsole import ConflictError, MailConsoleError
from mailconsole.catalog import (
    DEFAULT_EXPIRES_IN,
    REDIRECT_TYPES,
    TEMPLATE_GROUPS,
    TEMPLATE_TITLES,
    VERIFICATION_TYPES,
)
from mailconsole.changes import template_changes
from mailconsole.models import AuditKind, EmailTemplate, RenderedEmail, TemplateEngine, TemplateType
from mailconsole.rendering import (
    LintFinding,
    TemplateError,
    check_template,
    html_to_text,
    lint_template,
    render_template,
)
from mailconsole.rendering.samples import sample_context

ENGINE_LABELS = {TemplateEngine.HANDLEBAR.value: "Handlebars", TemplateEngine.EJS.value: "EJS"}
ACE_LANGUAGES = {TemplateEngine.HANDLEBAR.value: "handlebars", TemplateEngine.EJS.value: "ejs"}
UNSAVED = "● Unsaved changes"
FIELDS = ("content", "subject", "sender")
NO_PROBLEMS = "No problems found"
SHOWN_FINDINGS = 8  # more would push the page down; the rest are counted


# ---- the draft and its rendering (no UI) ------------------------------------------------------------------------


def engine_of(template: EmailTemplate) -> str:
    value = str(getattr(template.tpl_engine, "value", template.tpl_engine) or TemplateEngine.HANDLEBAR.value)
    return value if value in ENGINE_LABELS else TemplateEngine.HANDLEBAR.value


@dataclass(frozen=True)
class Draft:
    """What the administrator has in the editor; compares equal to the saved template when nothing changed."""

    template_type: TemplateType
    name: str
    subject: str
    sender: str
    customize_enabled: bool
    expires_in: int | None
    redirect_to: str | None
    tpl_engine: str
    content: str

    @classmethod
    def of(cls, template: EmailTemplate) -> Draft:
        template_type = TemplateType(template.type)
        return cls(
            template_type=template_type,
            name=template.name,
            subject=template.subject,
            sender=template.sender,
            customize_enabled=template.customize_enabled,
            expires_in=(template.expires_in or DEFAULT_EXPIRES_IN) if template_type in VERIFICATION_TYPES else None,
            redirect_to=(template.redirect_to or None) if template_type in REDIRECT_TYPES else None,
            tpl_engine=engine_of(template),
            content=template.content,
        )


@dataclass
class Preview:
    """The rendered subject, sender and body, or the errors by field (``compile``: the template itself is wrong,
    as opposed to failing only with this sample context)."""

    subject: str = ""
    sender: str = ""
    html: str = ""
    errors: dict[str, TemplateError] = field(default_factory=dict)
    compile_errors: set[str] = field(default_factory=set)

    @property
    def ok(self) -> bool:
        return not self.errors


def render_draft(draft: Draft, context: dict[str, Any]) -> Preview:
    preview = Preview()
    for name in FIELDS:
        source = getattr(draft, name)
        try:
            output = render_template(source, context, draft.tpl_engine)
        except TemplateError as err:
            preview.errors[name] = err
            try:
                check_template(source, draft.tpl_engine)
            except TemplateError as compile_error:
                preview.errors[name] = compile_error
                preview.compile_errors.add(name)
            continue
        setattr(preview, "html" if name == "content" else name, output if name == "content" else output.strip())
    return preview


def annotations_for(error: TemplateError | None, findings: list[LintFinding] | None = None) -> list[dict[str, Any]]:
    """The Ace gutter markers: a body error that stops compiling at its line (and column when known), else the
    linter's findings in the body that have a line."""
    if error is not None:
        marked = [(error.line, error.column, "error", error.message)]
    else:
        marked = [
            (finding.line, finding.column, finding.severity, finding.message)
            for finding in findings or []
            if finding.field == "content" and finding.line is not None
        ]
    return [
        {"row": max((line or 1) - 1, 0), "column": max((column or 1) - 1, 0), "type": kind, "text": text}
        for line, column, kind, text in marked
    ]


def default_context(template_type: TemplateType, expires_in: int | None) -> dict[str, Any]:
    """The sample variables of a type, with the validity in minutes as the platform prints it."""
    context = sample_context(template_type)
    if expires_in and "expires_in" in context:
        context["expires_in"] = max(1, -(-expires_in // 60))
    return context


def parse_context(text: str) -> dict[str, Any]:
    """The sample context typed as JSON; ValueError with the line and column of the fault."""
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise ValueError(f"line {err.lineno}, column {err.colno}: {err.msg}") from None
    if not isinstance(value, dict):
        raise ValueError('it must be a JSON object, such as {"verify_code": "123456"}')
    return value


def is_customised(template: EmailTemplate) -> bool:
    return bool(template.customize_enabled)


# ---- the list ---------------------------------------------------------------------------------------------------


def templates_snapshot(connection: Connection, *, refresh: bool = False) -> dict[str, EmailTemplate]:
    """The tenant's templates by type, read once per session (and after a save or a reload)."""
    if refresh or "templates" not in connection.cache:
        assert connection.management is not None
        reply = call("Reading the templates", connection.management.get_email_templates)
        connection.cache["templates"] = {str(template.type): template for template in reply.templates}
    templates: dict[str, EmailTemplate] = connection.cache["templates"]
    return templates


def customised_count(templates: dict[str, EmailTemplate]) -> int:
    return sum(1 for template in templates.values() if is_customised(template))


def _status(template: EmailTemplate) -> str:
    return "Customised" if is_customised(template) else "Default"


def template_table(templates: dict[str, EmailTemplate]) -> None:
    """The 15 templates by group, each customised or default, with its engine."""
    rows = []
    for group in TEMPLATE_GROUPS:
        for template_type in group.types:
            template = templates.get(template_type.value)
            rows.append(
                {
                    "Group": group.category.title_en,
                    "Template": TEMPLATE_TITLES[template_type],
                    "Type": template_type.value,
                    "Status": _status(template) if template else "Not offered by this backend",
                    "Engine": ENGINE_LABELS.get(engine_of(template), "") if template else "",
                }
            )
    st.dataframe(pd.DataFrame(rows), hide_index=True, width="stretch")


def pick_template(templates: dict[str, EmailTemplate]) -> EmailTemplate | None:
    options = [
        template_type.value
        for group in TEMPLATE_GROUPS
        for template_type in group.types
        if template_type.value in templates
    ]
    if not options:
        st.info("This backend offers no templates.")
        return None
    requested = st.query_params.get("type")
    if "tpl.type" not in st.session_state or st.session_state["tpl.type"] not in options:
        st.session_state["tpl.type"] = requested if requested in options else options[0]

    def label(value: str) -> str:
        template_type = TemplateType(value)
        group = next(group for group in TEMPLATE_GROUPS if template_type in group.types)
        template = templates[value]
        return (
            f"{group.category.title_en} › {TEMPLATE_TITLES[template_type]} · {_status(template).lower()} · "
            f"{ENGINE_LABELS.get(engine_of(template), '')}"
        )

    chosen = st.selectbox("Template", options=options, format_func=label, key="tpl.type")
    return templates[chosen]


# ---- the workbench ----------------------------------------------------------------------------------------------


def _keys(template_type: TemplateType) -> dict[str, str]:
    """The widget keys of one template's editor; they change (new generation) when it is loaded again, so that the
    Ace editor really shows the reloaded text."""
    generation = st.session_state.setdefault(f"tpl.{template_type.value}.gen", 0)
    base = f"tpl.{template_type.value}.{generation}"
    keys = {name: f"{base}.{name}" for name in Draft.__dataclass_fields__ if name != "template_type"}
    keys.update(
        context=f"tpl.{template_type.value}.context",
        context_good=f"tpl.{template_type.value}.context_good",
        last_good=f"tpl.{template_type.value}.last_good",
        backend=f"tpl.{template_type.value}.backend",
        preview=f"tpl.{template_type.value}.preview",  # the live preview's remote images switch
        confirm_reset=f"tpl.{template_type.value}.confirm_reset",
        # A save by someone else found on saving (a ``Conflict``), until reloaded or overwritten.
        conflict=f"tpl.{template_type.value}.conflict",
    )
    return keys


def _reload(template_type: TemplateType) -> None:
    """Show the saved version again: a new generation of keys, so every widget (and Ace) starts from it."""
    gen_key = f"tpl.{template_type.value}.gen"
    st.session_state[gen_key] = st.session_state.get(gen_key, 0) + 1


def _current_draft(saved: Draft, keys: dict[str, str]) -> Draft:
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


def _context(keys: dict[str, str], saved: Draft) -> tuple[dict[str, Any], str | None]:
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


def template_workbench(connection: Connection, template: EmailTemplate) -> None:
    management = connection.management
    assert management is not None
    saved = Draft.of(template)
    template_type = saved.template_type
    keys = _keys(template_type)
    initial = {
        "name": saved.name,
        "subject": saved.subject,
        "sender": saved.sender,
        "customize_enabled": saved.customize_enabled,
        "expires_in": saved.expires_in or DEFAULT_EXPIRES_IN,
        "redirect_to": saved.redirect_to or "",
        "tpl_engine": saved.tpl_engine,
    }
    for name, value in initial.items():
        if keys[name] not in st.session_state:
            st.session_state[keys[name]] = value

    draft = _current_draft(saved, keys)
    context, context_error = _context(keys, saved)
    preview = render_draft(draft, context)
    if preview.ok:
        st.session_state[keys["last_good"]] = preview
    findings = lint_template(draft.content, draft.tpl_engine, template_type, subject=draft.subject, sender=draft.sender)
    dirty = draft != saved

    show_flash()
    title = TEMPLATE_TITLES[template_type]
    state_line = (
        f"`{template_type.value}` · {'customised' if template.customize_enabled else 'default (built-in mail)'} · "
        f"{ENGINE_LABELS[saved.tpl_engine]}"
    )
    st.markdown(f"#### {title}")
    st.caption(state_line)
    # Slots that exist on every run, filled or not, keep the editor where it is (see feedback.show_flash).
    marker = st.empty()
    if dirty:
        marker.markdown(f":orange[**{UNSAVED}**]")

    edit_col, preview_col = st.columns([1, 1.2], gap="large")
    with edit_col:
        _fields(keys, saved, preview)
        language = ACE_LANGUAGES[draft.tpl_engine]
        st.markdown(f"**Body** ({ENGINE_LABELS[draft.tpl_engine]} HTML)")
        content_error = preview.errors.get("content")
        error_slot = st.empty()  # above the editor, present on every run (see feedback.show_flash)
        if content_error is not None:
            kind = "The body does not compile" if "content" in preview.compile_errors else "The body fails to render"
            error_slot.error(f"{kind}: {content_error}", icon=":material/code_off:")
        st_ace(
            value=saved.content,
            language=language,
            theme="chrome",
            keybinding="vscode",
            height=560,
            font_size=13,
            tab_size=2,
            wrap=True,
            show_gutter=True,
            annotations=annotations_for(content_error if "content" in preview.compile_errors else None, findings),
            auto_update=True,
            key=keys["content"],
        )
        if not draft.customize_enabled:
            st.caption(
                "Customisation is off: the platform sends its built-in mail for this type. Turn it on to send this one."
            )

    with preview_col:
        _previews(management, keys, draft, preview, context_error)
        _checks(findings, preview)

    _actions(connection, keys, template, saved, draft, preview, dirty)


def _fields(keys: dict[str, str], saved: Draft, preview: Preview) -> None:
    name_col, switch_col = st.columns([3, 2])
    name_col.text_input("Name", key=keys["name"])
    with switch_col:
        st.toggle(
            "Customised",
            key=keys["customize_enabled"],
            help="customizeEnabled. Off: the platform sends its built-in mail for this type.",
        )
    st.text_input("Subject", key=keys["subject"])
    subject_error = st.empty()
    if "subject" in preview.errors:
        subject_error.error(f"Subject: {preview.errors['subject']}", icon=":material/code_off:")
    st.text_input("Sender display name", key=keys["sender"], help="Often {{client_name}}, the application's name.")
    sender_error = st.empty()
    if "sender" in preview.errors:
        sender_error.error(f"Sender: {preview.errors['sender']}", icon=":material/code_off:")
    verification = saved.template_type in VERIFICATION_TYPES
    engine_col, extra_col = st.columns(2)
    if verification:
        with extra_col:
            st.number_input(
                "Valid for (seconds, expiresIn)",
                key=keys["expires_in"],
                min_value=1,
                step=60,
                help="How long the code or link works. Templates print it in minutes ({{expires_in}}).",
            )
    with engine_col:
        st.radio(
            "Engine",
            options=list(ENGINE_LABELS),
            format_func=lambda value: ENGINE_LABELS[value],
            key=keys["tpl_engine"],
            horizontal=True,
        )
    if saved.template_type in REDIRECT_TYPES:
        st.text_input(
            "Redirect after verification (redirectTo)",
            key=keys["redirect_to"],
            placeholder="https://example.com/welcome",
        )


def _previews(management: Any, keys: dict[str, str], draft: Draft, preview: Preview, context_error: str | None) -> None:
    mobile = st.toggle("Mobile width (375 px)", key="tpl.mobile", help="Off: a desktop reading pane, 600 px and up.")
    live_tab, backend_tab, context_tab = st.tabs(["Live preview", "Backend preview", "Sample context"])
    with context_tab:
        st.caption("The variables the preview renders with. Edit them to try other values.")
        st.text_area("Sample context (JSON)", key=keys["context"], height=380, label_visibility="collapsed")
        if context_error:
            st.error(context_error, icon=":material/data_object:")
    with live_tab:
        if context_error:
            st.error(context_error, icon=":material/data_object:")
        shown: Preview | None = preview if preview.ok else st.session_state.get(keys["last_good"])
        if not preview.ok:
            st.caption(
                ":orange[The template has an error (see the editor); this is the last version that rendered.]"
                if shown
                else ":orange[The template has an error (see the editor); nothing has rendered yet.]"
            )
        if shown is not None:
            _show_rendered(shown.subject, shown.sender, shown.html, mobile=mobile, key=keys["preview"])
    with backend_tab:
        st.caption("The backend renders the draft with its own sample values: the same renderer, as a check.")
        if st.button("Render on the backend", key=f"{keys['backend']}.button", icon=":material/cloud_sync:"):
            ok, mail = attempt(
                "Rendering on the backend",
                management.preview_email_template,
                type=draft.template_type,
                content=draft.content,
                subject=draft.subject,
                sender=draft.sender,
                expires_in=draft.expires_in,
                tpl_engine=draft.tpl_engine,
            )
            if ok:
                st.session_state[keys["backend"]] = (draft, mail)
        result: tuple[Draft, RenderedEmail] | None = st.session_state.get(keys["backend"])
        if result is not None:
            rendered_draft, mail = result
            if rendered_draft != draft:
                st.caption(":orange[Rendered from an earlier version of the draft; render again to compare.]")
            elif preview.ok:
                same = (mail.subject, mail.sender, mail.content) == (preview.subject, preview.sender, preview.html)
                st.caption(
                    "Same as the live preview."
                    if same
                    else "Differs from the live preview (the backend uses its own sample values)."
                )
            _show_rendered(mail.subject, mail.sender, mail.content, mobile=mobile, key=keys["backend"])


def _checks(findings: list[LintFinding], preview: Preview) -> None:
    """The linter's findings, recomputed on every edit."""
    st.markdown("**Checks**")
    if preview.compile_errors:
        # The error is shown beside the field already; the other checks need a template that compiles.
        st.caption("The checks run once the template compiles.")
        return
    if not findings:
        st.caption(f":green[:material/check_circle:] {NO_PROBLEMS}")
        return
    for finding in findings[:SHOWN_FINDINGS]:
        place = {"content": "Body", "subject": "Subject", "sender": "Sender"}[finding.field]
        if finding.line is not None and finding.field == "content":
            place += f", line {finding.line}"
        text = f"**{place}:** {plain(finding.message)}"  # the message quotes the template: no Markdown in it
        if finding.severity == "error":
            st.error(text, icon=":material/error:")
        else:
            st.warning(text, icon=":material/warning:")
    if len(findings) > SHOWN_FINDINGS:
        st.caption(f"And {len(findings) - SHOWN_FINDINGS} more.")


def _show_rendered(subject: str, sender: str, body: str, *, mobile: bool, key: str) -> None:
    """``key`` names the preview for the remote images switch: one per template, live and backend apart."""
    st.markdown(f"**From:** {plain(sender)}  \n**Subject:** {plain(subject)}")
    show_mail(body, key=key, mobile=mobile, height=560)
    with st.expander("Plain-text part"):
        st.text(html_to_text(body))


def _actions(
    connection: Connection,
    keys: dict[str, str],
    template: EmailTemplate,
    saved: Draft,
    draft: Draft,
    preview: Preview,
    dirty: bool,
) -> None:
    template_type = saved.template_type
    title = TEMPLATE_TITLES[template_type]
    save_col, revert_col, reset_col, _ = st.columns([1, 1, 1.4, 2])
    save = save_col.button("Save", key=f"tpl.{template_type.value}.save", type="primary", icon=":material/save:")
    revert = revert_col.button(
        "Revert to saved", key=f"tpl.{template_type.value}.revert", disabled=not dirty, icon=":material/undo:"
    )
    reset_col.button(
        "Reset to built-in default…",
        key=f"tpl.{template_type.value}.reset",
        disabled=not template.customize_enabled,
        on_click=st.session_state.__setitem__,
        args=(keys["confirm_reset"], True),
        help="Turn customisation off: the platform's built-in mail is used. Your content stays stored."
        if template.customize_enabled
        else "This type already uses the platform's built-in mail.",
    )
    conflict: Conflict | None = st.session_state.get(keys["conflict"])
    choice = (
        conflict_panel(conflict, what=f"“{title}”", key=keys["conflict"], details=lambda: _show_changes(conflict))
        if conflict is not None
        else None
    )
    if revert:
        _reload(template_type)
        st.session_state.pop(keys["backend"], None)
        st.rerun()
    if choice == RELOAD and conflict is not None:
        st.session_state.pop(keys["conflict"], None)
        st.session_state.pop(keys["backend"], None)
        connection.cache.setdefault("templates", {})[template_type.value] = conflict.current
        _reload(template_type)
        flash(f"Reloaded “{title}” as stored now; your edits were discarded.")
        st.rerun()
    if save or choice == OVERWRITE:
        if preview.compile_errors:
            names = ", ".join(sorted(preview.compile_errors))
            st.error(f"Nothing was saved: fix the template error in {names} first.", icon=":material/warning:")
        else:
            # The edit is based on what was loaded; after "Overwrite" / "Save anyway", on what the panel showed.
            baseline = conflict.current if conflict is not None and choice == OVERWRITE else template
            stored = _send(
                connection,
                keys,
                template,
                baseline,
                doing="Saving the template",
                customize_enabled=draft.customize_enabled,
                name=draft.name,
                subject=draft.subject,
                sender=draft.sender,
                content=draft.content,
                expires_in=draft.expires_in,
                redirect_to=draft.redirect_to,
                tpl_engine=draft.tpl_engine,
            )
            if stored is not None:
                _saved(connection, keys, stored, f"Saved “{title}”.")
    if st.session_state.get(keys["confirm_reset"]):
        with st.container(border=True):
            st.warning(
                f"Use the platform's built-in mail for “{title}”? Customisation is turned off; the content you saved "
                "stays stored, so you can turn it back on later. Unsaved edits are discarded.",
                icon=":material/restart_alt:",
            )
            yes_col, no_col, _ = st.columns([1.4, 1, 3])
            yes = yes_col.button("Yes, use the built-in mail", key=f"tpl.{template_type.value}.reset_yes")
            no = no_col.button("Cancel", key=f"tpl.{template_type.value}.reset_no")
        if no:
            st.session_state.pop(keys["confirm_reset"], None)
            st.rerun()
        if yes:
            st.session_state.pop(keys["confirm_reset"], None)
            stored = _send(
                connection,
                keys,
                template,
                template,
                doing="Resetting to the built-in mail",
                customize_enabled=False,
                name=template.name,
                subject=template.subject,
                sender=template.sender,
                content=template.content,
                expires_in=saved.expires_in,
                redirect_to=saved.redirect_to,
                tpl_engine=saved.tpl_engine,
            )
            if stored is not None:
                _saved(
                    connection, keys, stored, f"“{title}” now uses the platform's built-in mail; your content is kept."
                )


def _send(
    connection: Connection,
    keys: dict[str, str],
    loaded: EmailTemplate,
    baseline: EmailTemplate,
    *,
    doing: str,
    **fields: Any,
) -> EmailTemplate | None:
    """Save ``fields`` as the template, unless someone else saved it since ``baseline``: then keep the conflict
    for the panel and run the page again (the editor keeps every edit). None when nothing was saved."""
    management = connection.management
    assert management is not None
    template_type = TemplateType(loaded.type)
    if baseline.version is None:
        # No versions on this backend: read it again and compare with what the edit is based on.
        ok, fresh = attempt("Reading the stored template", _stored_now, connection, template_type)
        if not ok:
            return None
        if fresh is not None and template_changes(baseline, fresh):
            _conflict(connection, keys, loaded, fresh, versioned=False)
    try:
        with st.spinner(f"{doing}…"):
            return management.update_email_template(type=template_type, version=baseline.version, **fields)
    except ConflictError:
        ok, current = attempt("Reading the stored template", _stored_now, connection, template_type)
        if current is not None:
            _conflict(connection, keys, loaded, current, versioned=True)
        return None
    except MailConsoleError as err:
        show_error(err)
        return None


def _stored_now(connection: Connection, template_type: TemplateType) -> EmailTemplate | None:
    assert connection.management is not None
    reply = connection.management.get_email_templates()
    return next((item for item in reply.templates if str(item.type) == template_type.value), None)


def _conflict(
    connection: Connection, keys: dict[str, str], loaded: EmailTemplate, current: EmailTemplate, *, versioned: bool
) -> NoReturn:
    """Keep the conflict for the panel and run the page again; every widget keeps what was typed."""
    st.session_state[keys["conflict"]] = Conflict(
        loaded=loaded,
        current=current,
        versioned=versioned,
        changed_by=who_changed(last_change(connection, AuditKind.TEMPLATE, str(current.type))),
    )
    st.rerun()


def _saved(connection: Connection, keys: dict[str, str], stored: EmailTemplate, message: str) -> NoReturn:
    st.session_state.pop(keys["conflict"], None)
    connection.cache.setdefault("templates", {})[str(stored.type)] = stored
    _reload(TemplateType(stored.type))
    flash(message)
    st.rerun()


def _show_changes(conflict: Conflict) -> None:
    """Subject, sender and body as a unified diff from what was loaded to what is stored now; other fields by line."""
    diff = template_diff(conflict.loaded, conflict.current)
    others = other_template_changes(conflict.loaded, conflict.current)
    if diff:
        st.code(diff, language="diff")
    if others:
        st.code("\n".join(others), language=None)
    if not diff and not others:
        st.caption("Nothing you can see differs.")
