"""Sending email by SMTP: the only package that speaks to a mail server."""

from curator.mail.message import compose_message
from curator.mail.smtp import Mailer, MailServer

__all__ = ["MailServer", "Mailer", "compose_message"]
