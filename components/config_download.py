"""The overview's "Download configuration (zip)": the files ``mailconsole export`` writes (provider.yaml with every
secret as a ${VAR} reference, and templates/), for review in git and ``mailconsole apply``."""

from __future__ import annotations

import re

import streamlit as st

from components.language import _
from mailconsole.config_files.export import export_files
from mailconsole.config_files.files import zip_bytes
from mailconsole.i18n import Language
from mailconsole.models import EmailProvider, EmailTemplate


def config_download(
    tenant_name: str, provider: EmailProvider, templates: dict[str, EmailTemplate], language: Language
) -> None:
    files = export_files(provider, list(templates.values()), language=language)
    safe_name = re.sub(r"[^A-Za-z0-9_.-]+", "-", tenant_name).strip("-") or "tenant"
    st.download_button(
        _("Download configuration (zip)"),
        data=zip_bytes(files),
        file_name=f"{safe_name}-email-config.zip",
        mime="application/zip",
        key="overview.config_zip",
        icon=":material/download:",
        help=_(
            "provider.yaml and the customised templates, as `mailconsole export` writes them. Secrets are not "
            "in it: each is a ${VARIABLE} that `mailconsole apply` reads from the environment."
        ),
    )
