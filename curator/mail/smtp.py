"""An SMTP connection: TLS from the start or STARTTLS (certificates checked), a login
with the password from the environment, and smtplib's errors as one `MailError`.

Plain SMTP is allowed only to a relay on this machine (config.py checks it).
"""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from collections.abc import Iterator
from dataclasses import dataclass, field
from email.message import EmailMessage
from pathlib import Path
from types import TracebackType

from curator.config import Config
from curator.errors import ConfigError, MailError

TIMEOUT = 30.0


@dataclass(frozen=True)
class MailServer:
    host: str
    port: int
    security: str  # starttls | tls | none
    user: str
    password: str | None = field(repr=False)
    ca_file: Path | None = None

    @classmethod
    def from_config(cls, config: Config) -> MailServer:
        digest = config.digest
        if not digest.smtp_host:
            raise ConfigError("digest.smtp_host", "is empty: set it to send the digest")
        if digest.smtp_user and not config.smtp_password:
            raise ConfigError("digest.password_env", f"${digest.password_env} is not set")
        ca_file = config.root / digest.ca_file if digest.ca_file else None
        if ca_file is not None and not ca_file.is_file():
            raise ConfigError("digest.ca_file", f"{str(ca_file)!r} is not a file")
        return cls(digest.smtp_host, digest.smtp_port, digest.security, digest.smtp_user,
                   config.smtp_password, ca_file)  # fmt: skip


class Mailer:
    """`with Mailer(server) as mailer: mailer.send(message)`: one connection a run."""

    def __init__(self, server: MailServer) -> None:
        self.server = server
        self._smtp: smtplib.SMTP | None = None

    def __enter__(self) -> Mailer:
        server = self.server
        with self._errors():
            context = ssl.create_default_context(cafile=server.ca_file)
            if server.security == "tls":
                self._smtp = smtplib.SMTP_SSL(
                    server.host, server.port, timeout=TIMEOUT, context=context
                )
            else:
                self._smtp = smtplib.SMTP(server.host, server.port, timeout=TIMEOUT)
                if server.security == "starttls":
                    self._smtp.starttls(context=context)
            if server.user:
                self._smtp.login(server.user, server.password or "")
        return self

    def send(self, message: EmailMessage) -> None:
        assert self._smtp is not None, "use Mailer in a with block"
        with self._errors():
            self._smtp.send_message(message)

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._smtp is not None:
            try:
                self._smtp.quit()
            except (smtplib.SMTPException, OSError):
                self._smtp.close()

    def _errors(self) -> contextlib.AbstractContextManager[None]:
        return _translated(self.server.host)


@contextlib.contextmanager
def _translated(host: str) -> Iterator[None]:
    """smtplib's and the socket's errors as one MailError naming the server."""
    try:
        yield
    except (smtplib.SMTPException, OSError) as e:
        raise MailError(host, _describe(e)) from e


def _describe(error: BaseException) -> str:
    if isinstance(error, smtplib.SMTPResponseException):
        answer = error.smtp_error
        text = answer.decode("utf-8", "replace") if isinstance(answer, bytes) else str(answer)
        return f"{error.smtp_code} {' '.join(text.split())}"
    if isinstance(error, ssl.SSLError):
        return f"TLS failed ({error.reason or error})"
    return " ".join(str(error).split()) or type(error).__name__
