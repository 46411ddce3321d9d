"""The weekly digest, made and sent: reads the store, renders (`digest.py`), exports
the page and digest.xml, and sends the email by SMTP to each recipient once.

A copy is claimed in the store before it is sent and marked after (`store.digests`):
after a crash between the two, that copy is reported and not sent again. A refusal
by the server gives the copy back, so the next run tries it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from email.utils import parseaddr
from pathlib import Path
from urllib.parse import quote

from curator.config import Config
from curator.errors import ConfigError, ExportError, MailError
from curator.mail import Mailer, MailServer, compose_message
from curator.site.digest import Digest, Email, Week, digest_of, render_email
from curator.site.run import export_site
from curator.site.settings import SiteSettings
from curator.site.views import build_site
from curator.store import Store

MAX_RECIPIENTS = 100_000
PREVIEW_ADDRESS = "subscriber@example.org"


@dataclass(frozen=True)
class MadeDigest:
    settings: SiteSettings
    digest: Digest

    @property
    def empty(self) -> bool:
        return not self.digest.posts


@dataclass(frozen=True)
class SendReport:
    sent: int
    already: int  # sent by an earlier run
    uncertain: tuple[str, ...]  # claimed by a run that stopped before it knew


def make_digest(
    config: Config, store: Store, week: Week, now: datetime, *, record: bool = True
) -> MadeDigest:
    """The week's digest; one with posts is recorded and exported (its page and
    digest.xml) unless `record` is false (a preview), one without is left alone: a
    week with no posts sends nothing."""
    settings = SiteSettings.from_config(config)
    site = build_site(settings, store.exports.published_posts())
    made = MadeDigest(settings, digest_of(site, week))
    if record and not made.empty:
        store.digests.record(week.label, now)
        export_site(config, store, now)
    return made


def preview(config: Config, made: MadeDigest) -> Email:
    """The email as a recipient gets it (with an example address in its links)."""
    return render_email(made.settings, made.digest, unsubscribe_link(config, PREVIEW_ADDRESS))


def write_preview(config: Config, week: Week, email: Email) -> tuple[Path, Path]:
    """The email's HTML and text beside the database (data/digest-preview/), to open."""
    folder = config.curator.database.parent / "digest-preview"
    html, text = folder / f"{week.label}.html", folder / f"{week.label}.txt"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        html.write_text(email.html, encoding="utf-8")
        text.write_text(f"Subject: {email.subject}\n\n{email.text}", encoding="utf-8")
    except OSError as e:
        raise ExportError(str(folder), e.strerror or str(e)) from e
    return html, text


def check_sending(config: Config) -> None:
    """Refuse at once (one line naming the setting) what would stop sending later: no
    server, no password, no recipients."""
    MailServer.from_config(config)
    read_recipients(config)


def send_digest(config: Config, store: Store, made: MadeDigest, now: datetime) -> SendReport:
    """Send the digest to every recipient who has not had it (none if it is empty)."""
    week = made.digest.week.label
    recipients = [] if made.empty else read_recipients(config)
    done = store.digests.sends(week)
    todo = [r for r in recipients if r not in done]
    if todo:
        with Mailer(MailServer.from_config(config)) as mailer:
            for recipient in todo:
                _send_one(config, store, made, mailer, recipient, now)
    uncertain = tuple(r for r in recipients if done.get(r) == "sending")
    return SendReport(len(todo), sum(1 for r in recipients if done.get(r) == "sent"), uncertain)


def _send_one(
    config: Config, store: Store, made: MadeDigest, mailer: Mailer, recipient: str, now: datetime
) -> None:
    week = made.digest.week.label
    if not store.digests.claim(week, recipient, now):
        return  # another run took it meanwhile
    link = unsubscribe_link(config, recipient)
    email = render_email(made.settings, made.digest, link)
    message = compose_message(
        sender=config.digest.sender, recipient=recipient, subject=email.subject,
        text=email.text, html=email.html, unsubscribe=link, thread=f"digest-{week}", now=now,
    )  # fmt: skip
    try:
        mailer.send(message)
    except MailError:
        store.digests.release(week, recipient)  # refused: not sent, so try it next run
        raise
    store.digests.mark_sent(week, recipient, now)


def unsubscribe_link(config: Config, recipient: str) -> str:
    return config.digest.unsubscribe_url.replace("{email}", quote(recipient, safe="@"))


def read_recipients(config: Config) -> list[str]:
    """The list address, or the addresses in `digest.recipients` (one a line, `#` for
    comments), each once."""
    if config.digest.list_address:
        return [_address(config.digest.list_address, "digest.list_address")]
    if not config.digest.recipients:
        raise ConfigError("digest.recipients", "is empty and so is digest.list_address")
    path = config.root / Path(config.digest.recipients).expanduser()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as e:
        raise ConfigError("digest.recipients", f"{str(path)!r} cannot be read ({e})") from e
    found: dict[str, str] = {}
    for number, line in enumerate(lines, 1):
        text = line.split("#", 1)[0].strip()
        if text:
            address = _address(text, f"digest.recipients: {path.name} line {number}")
            found.setdefault(address.casefold(), address)
    if len(found) > MAX_RECIPIENTS:
        raise ConfigError("digest.recipients", f"more than {MAX_RECIPIENTS:,} addresses")
    return list(found.values())


def _address(text: str, where: str) -> str:
    _, address = parseaddr(text)
    local, at, domain = address.rpartition("@")
    if not (local and at and "." in domain) or any(c.isspace() for c in address):
        raise ConfigError(where, f"{text!r} is not an email address")
    return address
