"""One email as it goes out: text and HTML alternatives, and the headers mail
providers ask of bulk senders (RFC 2369 List-Unsubscribe, RFC 8058 one-click)."""

from __future__ import annotations

import hashlib
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, parseaddr


def compose_message(
    *,
    sender: str,
    recipient: str,
    subject: str,
    text: str,
    html: str,
    unsubscribe: str,
    thread: str,
    now: datetime,
) -> EmailMessage:
    """The message to `recipient`. `thread` names what it is ("digest-2026-W49"): its
    Message-ID is the same for the same recipient, so a copy sent twice is one to most
    mail systems."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "localhost"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = recipient
    message["Subject"] = subject
    message["Date"] = format_datetime(now)
    who = hashlib.sha256(recipient.casefold().encode()).hexdigest()[:20]
    message["Message-ID"] = f"<{thread}.{who}@{domain}>"
    message["List-Id"] = f"<{thread.split('-')[0]}.{domain}>"
    message["List-Unsubscribe"] = f"<{unsubscribe}>"
    if unsubscribe.startswith("https://"):
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    return message
