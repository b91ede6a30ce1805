"""send-draft: the template as the editor holds it, sent the way a real send of its type would be (the same
context, headers, sender rule and provider), to one recipient, without saving anything.

It takes the once-a-minute slot of the channel that sends its type (so a draft to a mailbox and a real send to it
wait for each other); a type no channel sends has a slot of its own. Customisation need not be on: the draft is
what is sent. It is logged as channel ``draft`` and audited as a test send.
"""

from __future__ import annotations

from mailconsole.catalog import channel_for
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
    channel = channel_for(request.type)
    rule_key = channel.value if channel is not None else f"{DRAFT_CHANNEL}:{request.type.value}"
    outgoing = Outgoing(
        DRAFT_CHANNEL, rule_key, template, request.type.value, None, profile=request.context, audit_actor=actor
    )
    sent = send_mail(store, settings, userpool, outgoing, to)
    return SendDraftReply(delivered_by=sent.delivered_by, subject=sent.subject, message_id=sent.message_id)
