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
from mailconsole import MailConsoleError, ManagementClient
from mailconsole.catalog import TEMPLATE_TITLES
from mailconsole.console.promotion import TemplateComparison, copy_template
from mailconsole.console.session import Connection, connect
from mailconsole.console.tenants import ConfigError, TenantConfig, TenantKind
from mailconsole.models import EmailProvider, EmailTemplate

_READS = "compare.reads"  # what was read of each tenant, by name
_ERROR = "compare.error"
SECRETS_NOTE = (
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
        st.error(f"{err} Then reload the page.", icon=":material/settings:")
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
        with st.spinner(f"Reading tenant {tenant.name}…"), management_of(tenant, current) as management:
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


def provider_section(differences: list[str], source: str, target: str) -> None:
    st.subheader("Provider settings")
    if not differences:
        st.success(f"Same provider settings on {source} and {target}.", icon=":material/check:")
    else:
        st.warning(f"{target} differs from {source}:", icon=":material/difference:")
        st.code("\n".join(differences), language=None)
    st.caption(SECRETS_NOTE)


def template_section(comparisons: list[TemplateComparison], target: TenantConfig, current: Connection) -> None:
    different = [item for item in comparisons if not item.same]
    st.subheader("Templates")
    st.caption(f"{len(different)} of {len(comparisons)} differ. The diff reads from {target.name} to the source.")
    if different:
        if st.button(
            f"Copy all {len(different)} that differ to {target.name}…",
            key="compare.copy_all",
            icon=":material/content_copy:",
        ):
            st.session_state["compare.ask_all"] = True
        if st.session_state.get("compare.ask_all"):
            ask(
                "compare.ask_all",
                "Copy templates",
                f"Copy {len(different)} templates to {target.name}?",
                "Each replaces the target's template of that type: "
                + ", ".join(item.template_type.value for item in different),
                yes="Copy them",
                key="compare.all",
                on_yes=lambda: _copy(target, current, different),
            )
    for item in comparisons:
        _template_row(item, target, current)


def _template_row(item: TemplateComparison, target: TenantConfig, current: Connection) -> None:
    kind = item.template_type.value
    status = "same" if item.same else "different"
    icon = ":material/check:" if item.same else ":material/difference:"
    with st.expander(f"{TEMPLATE_TITLES[item.template_type]} · `{kind}` · {status}", icon=icon):
        if item.same:
            st.caption("Same on both tenants.")
            return
        for line in item.other:
            st.text(line)
        if item.diff:
            st.code(item.diff, language="diff")
        flag = f"compare.ask.{kind}"
        if st.button(f"Copy to {target.name}…", key=f"compare.copy.{kind}", icon=":material/content_copy:"):
            st.session_state[flag] = True
        if st.session_state.get(flag):
            ask(
                flag,
                "Copy template",
                f"Copy {kind} to {target.name}?",
                "It replaces the target's template of that type.",
                yes="Copy",
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
        flash(f"Copied to {target.name}: {', '.join(copied)}.")
