"""Who a mail is from: the one rule the service's sends and the console's preview share.

The From name is the template's rendered sender; only when that is empty does a custom SMTP provider's From display
name stand in. The address always comes from the provider settings (None: the platform's built-in mail service
sends, from its own address)."""

from __future__ import annotations

from dataclasses import dataclass

from mailconsole.models import EmailProvider, ProviderType


@dataclass(frozen=True)
class FromIdentity:
    name: str
    address: str | None


def from_identity(provider: EmailProvider | None, rendered_sender: str) -> FromIdentity:
    """The From of a send with this provider and this rendered sender (``address`` None: the built-in service's, or
    none set, which a send refuses)."""
    if provider is None or not provider.enabled:
        return FromIdentity(rendered_sender, None)
    if provider.type == ProviderType.CUSTOM and provider.smtp_config:
        smtp = provider.smtp_config
        address = smtp.from_address or (smtp.sender if smtp.sender and "@" in smtp.sender else None)
        return FromIdentity(rendered_sender or smtp.from_display_name or "", address)
    configs = {
        ProviderType.SENDGRID: provider.send_grid_config,
        ProviderType.ALI: provider.ali_exmail_config,
        ProviderType.QQ: provider.tencent_exmail_config,
    }
    config = configs.get(ProviderType(provider.type)) if provider.type in configs else None
    return FromIdentity(rendered_sender, config.sender if config else None)
