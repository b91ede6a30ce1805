"""send-draft: the template as the editor holds it, sent the way a real send of its type would be (the same
context, headers, sender rule and provider), to one recipient, without saving anything.

It takes the once-a-minute slot of its type (``catalog.draft_slot``). Customisation need not be on: the draft is
what is sent. It is logged as channel ``draft`` and audited as a test send.
"""

from __future__ import annotations

from mailconsole.catalog import draft_slot
from mailconsole.models import DRAFT_CHANNEL, SendDraftReply, SendDraftRequest
from mailconsole.service.sending import Outgoing, recipient, send_mail
from mailconsole.service.settings import ServiceSettings
from mailconsole.service.store import Store, Userpool
from mailconsole.service.templates import checked_template


def send_draft(
    store: Store, settings: ServiceSettings, userpool: Userpool, request: SendDraftRequest, *, actor: str
) -> SendDraftReply:
    template = checked_template(request)
    to = recipient(request.email)
    outgoing = Outgoing(
        DRAFT_CHANNEL,
        draft_slot(request.type),
        template,
        request.type.value,
        None,
        profile=request.context,
        audit_actor=actor,
    )
    sent = send_mail(store, settings, userpool, outgoing, to)
    return SendDraftReply(delivered_by=str(sent.delivered_by), subject=sent.subject, message_id=sent.message_id)
