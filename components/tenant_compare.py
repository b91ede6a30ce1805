"""The compare-and-promote page's widgets: two tenants side by side, per template and for the provider, and the
copy of one template (or of all that differ) to the target after a confirmation. Secrets are never compared nor
copied (``mailconsole.console.promotion``)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import streamlit as st

from components.confirm import ask
from components.connection import configured_tenants
from components.feedback import explain, flash, show_flash
from components.language import _, say
from mailconsole import MailConsoleError, ManagementClient
from mailconsole.catalog import TEMPLATE_TITLES
from mailconsole.console.promotion import TemplateComparison, copy_template
from mailconsole.console.session import Connection, connect
from mailconsole.console.tenants import ConfigError, TenantConfig, TenantKind
from mailconsole.i18n import Text, localized
from mailconsole.models import EmailProvider, EmailTemplate

_READS = "compare.reads"  # what was read of each tenant, by name
_ERROR = "compare.error"
SECRETS_NOTE = localized(
    "Secrets (SMTP passwords, API keys) are never compared or copied: type them for the target on its provider "
    "settings page."
)


def comparable_tenants() -> list[TenantConfig]:
    """The tenants with templates (GenAuth-compatible ones); the page is offered when there are two or more."""
    tenants, _ = configured_tenants()
    return [tenant for tenant in tenants if tenant.kind is not TenantKind.SMTP_SETUP]


@dataclass(frozen=True)
class TenantState:
    provider: EmailProvider
    templates: dict[str, EmailTemplate]


@contextmanager
def management_of(tenant: TenantConfig, current: Connection) -> Iterator[ManagementClient]:
    """The session's own client for its tenant; for another tenant, a client for this call only (it holds that
    tenant's credentials, and nothing closes a client kept in the session)."""
    if tenant.name == current.tenant.name:
        assert current.management is not None
        yield current.management
        return
    try:
        other = connect(tenant, actor=current.actor)
    except ConfigError as err:
        st.error(_("{problem} Then reload the page.", problem=say(err)), icon=":material/settings:")
        st.stop()
    try:
        assert other.management is not None
        yield other.management
    finally:
        other.close()


def tenant_state(tenant: TenantConfig, current: Connection) -> TenantState:
    """Both tenants are read once, and again after "Reload" or a copy."""
    reads: dict[str, TenantState] = st.session_state.setdefault(_READS, {})
    if tenant.name not in reads:
        with st.spinner(_("Reading tenant {name}…", name=tenant.name)), management_of(tenant, current) as management:
            templates = {str(item.type): item for item in management.get_email_templates().templates}
            reads[tenant.name] = TenantState(management.get_email_provider(), templates)
    return reads[tenant.name]


def forget_reads() -> None:
    st.session_state.pop(_READS, None)


def show_outcome() -> None:
    show_flash()
    error = st.session_state.pop(_ERROR, None)
    if error:
        st.error(error, icon=":material/error:")


def provider_section(differences: list[Text], source: str, target: str) -> None:
    st.subheader(_("Provider settings"))
    if not differences:
        st.success(
            _("Same provider settings on {source} and {target}.", source=source, target=target), icon=":material/check:"
        )
    else:
        st.warning(_("{target} differs from {source}:", source=source, target=target), icon=":material/difference:")
        st.code("\n".join(say(line) for line in differences), language=None)
    st.caption(say(SECRETS_NOTE))


def template_section(comparisons: list[TemplateComparison], target: TenantConfig, current: Connection) -> None:
    different = [item for item in comparisons if not item.same]
    st.subheader(_("Templates"))
    st.caption(
        _(
            "{different} of {count} differ. The diff reads from {target} to the source.",
            different=len(different),
            count=len(comparisons),
            target=target.name,
        )
    )
    if different:
        if st.button(
            _("Copy all {count} that differ to {target}…", count=len(different), target=target.name),
            key="compare.copy_all",
            icon=":material/content_copy:",
        ):
            st.session_state["compare.ask_all"] = True
        if st.session_state.get("compare.ask_all"):
            ask(
                "compare.ask_all",
                _("Copy templates"),
                _("Copy {count} templates to {target}?", count=len(different), target=target.name),
                _(
                    "Each replaces the target's template of that type: {types}",
                    types=", ".join(item.template_type.value for item in different),
                ),
                yes=_("Copy them"),
                key="compare.all",
                on_yes=lambda: _copy(target, current, different),
            )
    for item in comparisons:
        _template_row(item, target, current)


def _template_row(item: TemplateComparison, target: TenantConfig, current: Connection) -> None:
    kind = item.template_type.value
    status = _("same") if item.same else _("different")
    icon = ":material/check:" if item.same else ":material/difference:"
    with st.expander(f"{say(TEMPLATE_TITLES[item.template_type])} · `{kind}` · {status}", icon=icon):
        if item.same:
            st.caption(_("Same on both tenants."))
            return
        for line in item.other:
            st.text(say(line))
        if item.diff:
            st.code(item.diff, language="diff")
        flag = f"compare.ask.{kind}"
        if st.button(
            _("Copy to {target}…", target=target.name), key=f"compare.copy.{kind}", icon=":material/content_copy:"
        ):
            st.session_state[flag] = True
        if st.session_state.get(flag):
            ask(
                flag,
                _("Copy template"),
                _("Copy {type} to {target}?", type=kind, target=target.name),
                _("It replaces the target's template of that type."),
                yes=_("Copy"),
                key=f"compare.one.{kind}",
                on_yes=lambda: _copy(target, current, [item]),
            )


def _copy(target: TenantConfig, current: Connection, items: list[TemplateComparison]) -> None:
    copied: list[str] = []
    try:
        with management_of(target, current) as management:
            for item in items:
                copy_template(management, item)
                copied.append(item.template_type.value)
    except MailConsoleError as err:
        st.session_state[_ERROR] = explain(err)
    finally:
        forget_reads()
        if target.name == current.tenant.name:
            current.data.forget()  # the session's own pages read its tenant again
    if copied:
        flash(_("Copied to {target}: {types}.", target=target.name, types=", ".join(copied)))
