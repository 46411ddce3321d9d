"""The weekly digest: a page, digest.xml and an email under 102 KB, sent by SMTP to a
real server on 127.0.0.1 (aiosmtpd, STARTTLS with a test CA), each recipient once."""

from __future__ import annotations

import email
import email.policy
import re
import socket
import ssl
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import feedparser
import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from click.testing import CliRunner
from export_helpers import add_image, add_post
from lxml import etree

from curator.cli.main import cli
from curator.config import Config
from curator.errors import ConfigError, CuratorError, MailError
from curator.jobs import send_weekly_digest
from curator.site.digest import MAX_EMAIL_BYTES, digest_due, parse_week, week_before
from curator.site.digest_run import make_digest, preview, send_digest
from curator.store import Store

WEEK = parse_week("2026-W45")  # November 2-8, 2026
MONDAY = datetime(2026, 11, 9, 8, 30, tzinfo=UTC)  # the Monday after it
ATOM_RNG = Path(__file__).parent / "data/schemas/atom.rng"


class Inbox:
    """What an SMTP server received; refuses the addresses in `refuse`."""

    def __init__(self) -> None:
        self.messages: list[email.message.EmailMessage] = []
        self.refuse: set[str] = set()
        self.logins: list[bytes] = []

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refuse:
            return "550 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.messages.append(parsed)
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        self.logins.append(auth_data.password)
        return AuthResult(success=auth_data.password == b"s3cret")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp(tmp_path: Path) -> Iterator[tuple[Inbox, int, Path]]:
    """A STARTTLS SMTP server with a login, its certificate from a test CA."""
    authority = trustme.CA()
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server_context)
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    inbox, port = Inbox(), free_port()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=port, tls_context=server_context,
        require_starttls=True, authenticator=inbox.authenticate, auth_required=True,
    )  # fmt: skip
    controller.start()
    yield inbox, port, ca_file
    controller.stop()


@pytest.fixture
def mail_config(make_config, tmp_path: Path, smtp) -> Config:
    _, port, ca_file = smtp
    (tmp_path / "recipients.txt").write_text(
        "# families who asked for it\nana@example.org\nben@example.org  # since May\n"
        "ANA@example.org\ncarla@example.org\n"
    )
    config = make_config(
        digest={"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_user": "news",
                "ca_file": str(ca_file), "recipients": "recipients.txt",
                "sender": "Harbor Families <news@harbor.example.org>"},
    )  # fmt: skip
    return replace(config, smtp_password="s3cret")  # as config.load reads $password_env


def week_posts(
    store: Store, count: int = 3, title: str = "Overdose story {}", **fields
) -> list[int]:
    ids = [
        add_post(store, title.format(n), tags=["overdose"],
                 published_at=WEEK.start + timedelta(hours=5 + n), **fields)
        for n in range(count)
    ]  # fmt: skip
    add_post(store, "The week before", published_at=WEEK.start - timedelta(hours=1))
    return ids


def test_weeks_are_iso_weeks_and_the_digest_is_due_after_its_day_and_time():
    assert (WEEK.start, WEEK.end) == (
        datetime(2026, 11, 2, tzinfo=UTC),
        MONDAY.replace(hour=0, minute=0),
    )
    assert WEEK.span == "November 2 – November 8, 2026"
    assert week_before(MONDAY) == WEEK
    assert digest_due(MONDAY, "monday", "08:00") == WEEK
    assert digest_due(MONDAY, "monday", "09:00") is None
    assert digest_due(MONDAY + timedelta(days=3), "monday", "09:00") == WEEK  # caught up
    with pytest.raises(CuratorError, match="--week: '2026-W54' is not an ISO week"):
        parse_week("2026-W54")


def test_the_digest_has_a_page_and_an_atom_feed_that_validates(
    config: Config, store: Store, now: datetime
):
    week_posts(store)
    made = make_digest(config, store, WEEK, now)
    assert [p.title for p in made.digest.posts] == [f"Overdose story {n}" for n in (2, 1, 0)]
    folder = Path(config.export.out_dir)
    page = (folder / "digest/2026-W45.html").read_text()
    assert "The week of November 2 – November 8, 2026" in page
    assert "Overdose story 1" in page and "The week before" not in page
    raw = (folder / "digest.xml").read_bytes()
    schema = etree.RelaxNG(etree.parse(str(ATOM_RNG)))
    assert schema.validate(etree.fromstring(raw).getroottree()), schema.error_log
    parsed = feedparser.parse(raw)
    assert not parsed.bozo and len(parsed.entries) == 1
    assert parsed.entries[0].link == "https://example.org/news/digest/2026-W45.html"
    assert "Overdose story 2" in parsed.entries[0].content[0].value


def test_the_email_stays_under_gmails_clipping_size_with_absolute_images(
    make_config, store: Store, now: datetime
):
    config = make_config(digest={"posts": 50})
    long_text = "<p>" + "Families can carry naloxone and learn the signs. " * 60 + "</p>"
    title = "Story {0} on what a new naloxone law means for families and schools " * 8
    source = "The Regional Health and Recovery Newsroom " * 12
    for post_id in week_posts(store, 50, title, body_html=long_text, source_name=source):
        add_image(store, post_id, alt="A kit " * 50)  # every field as long as it may be
    made = make_digest(config, store, WEEK, now)
    mail = preview(config, made)
    assert len(mail.html.encode()) <= MAX_EMAIL_BYTES
    assert "<style" not in mail.html and "<script" not in mail.html
    assert 'src="https://example.org/news/images/' in mail.html and 'src="images/' not in mail.html
    assert "call or text 988" in mail.html and "call or text 988" in mail.text
    assert "Unsubscribe: https://example.org/unsubscribe?email=subscriber@example.org" in mail.text
    shown = mail.html.count("<h2")
    assert 10 < shown < 50  # as many as fit; the rest is on the page, and the email says so
    assert f"{50 - shown} more this week on the site" in mail.html


def test_sending_goes_to_each_recipient_once_with_their_own_unsubscribe_link(
    mail_config: Config, store: Store, now: datetime, smtp
):
    inbox = smtp[0]
    week_posts(store)
    made = make_digest(mail_config, store, WEEK, now)
    report = send_digest(mail_config, store, made, now)
    assert (report.sent, report.already, report.uncertain) == (3, 0, ())
    assert inbox.logins == [b"s3cret"] * 1  # one connection, one login, over TLS
    by_recipient = {m["To"]: m for m in inbox.messages}
    assert sorted(by_recipient) == ["ana@example.org", "ben@example.org", "carla@example.org"]
    ben = by_recipient["ben@example.org"]
    assert ben["List-Unsubscribe"] == "<https://example.org/unsubscribe?email=ben@example.org>"
    assert ben["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert ben["Subject"].startswith("Example Family Network: the week of November 2")
    html = ben.get_body(("html",)).get_content()
    assert "unsubscribe?email=ben@example.org" in html and "ana@example.org" not in html
    assert "Overdose story 0" in ben.get_body(("plain",)).get_content()
    again = send_digest(mail_config, store, made, now)
    assert (again.sent, again.already, len(inbox.messages)) == (0, 3, 3)


def test_a_crash_mid_send_resumes_without_a_second_copy(
    mail_config: Config, store: Store, now: datetime, smtp
):
    inbox = smtp[0]
    week_posts(store)
    made = make_digest(mail_config, store, WEEK, now)
    store.digests.claim("2026-W45", "ana@example.org", now)  # sent, then the crash...
    store.digests.mark_sent("2026-W45", "ana@example.org", now)
    store.digests.claim("2026-W45", "ben@example.org", now)  # ...or killed while sending
    report = send_digest(mail_config, store, made, now)
    assert [m["To"] for m in inbox.messages] == ["carla@example.org"]
    assert (report.sent, report.already, report.uncertain) == (1, 1, ("ben@example.org",))


def test_a_refused_copy_is_given_back_and_sent_by_the_next_run(
    mail_config: Config, store: Store, now: datetime, smtp
):
    inbox = smtp[0]
    week_posts(store)
    made = make_digest(mail_config, store, WEEK, now)
    inbox.refuse = {"ben@example.org"}
    with pytest.raises(MailError, match=r"^SMTP server 127\.0\.0\.1: "):
        send_digest(mail_config, store, made, now)
    assert store.digests.sends("2026-W45") == {"ana@example.org": "sent"}
    inbox.refuse = set()
    report = send_digest(mail_config, store, made, now)
    assert report.sent == 2 and sorted(store.digests.sends("2026-W45")) == [
        "ana@example.org", "ben@example.org", "carla@example.org"]  # fmt: skip


def test_the_service_sends_once_a_week_and_a_week_without_posts_sends_nothing(
    mail_config: Config, store: Store, smtp
):
    inbox = smtp[0]
    assert send_weekly_digest(mail_config, store, MONDAY, lambda: False).endswith("nothing sent")
    assert inbox.messages == [] and store.digests.weeks() == []
    week_posts(store)
    assert send_weekly_digest(mail_config, store, MONDAY - timedelta(hours=1), lambda: False) == (
        "not due"
    )
    assert send_weekly_digest(mail_config, store, MONDAY, lambda: False) == (
        "2026-W45: sent 3, 0 had it already"
    )
    later = MONDAY + timedelta(hours=5)
    assert send_weekly_digest(mail_config, store, later, lambda: False).startswith(
        "2026-W45: sent 0, 3 had it"
    )
    assert len(inbox.messages) == 3


def test_digest_preview_writes_the_email_for_an_editor_to_check(
    tmp_path: Path, config: Config, store: Store
):
    week_posts(store)
    config_file = tmp_path / "config.toml"
    config_file.write_text(
        f'[curator]\ndatabase = "{config.curator.database}"\n'
        f'[export]\nout_dir = "{config.export.out_dir}"\n'
    )
    result = CliRunner().invoke(
        cli, ["--config", str(config_file), "digest", "--week", "2026-W45", "--preview"]
    )
    assert result.exit_code == 0, result.output
    html = tmp_path / "digest-preview" / "2026-W45.html"
    assert f"preview: {html}" in result.output
    assert "Overdose story 2" in html.read_text()
    assert (tmp_path / "digest-preview" / "2026-W45.txt").read_text().startswith("Subject: ")
    assert not (Path(config.export.out_dir) / "digest.xml").exists()  # a preview sends nothing
    wrong = CliRunner().invoke(cli, ["--config", str(config_file), "digest", "--week", "W45"])
    assert wrong.exit_code == 1 and isinstance(wrong.exception, CuratorError)
    assert str(wrong.exception) == "--week: 'W45' is not an ISO week like 2026-W49"


@pytest.mark.parametrize(
    ("digest", "message"),
    [
        ({"time": "8am"}, "digest.time: '8am' is not a time like '08:00'"),
        ({"weekday": "someday"}, "digest.weekday: 'someday' is not one of monday"),
        ({"sender": "news"}, "digest.sender: 'news' is not an email address"),
        ({"unsubscribe_url": "https://x.org/u"}, "digest.unsubscribe_url: 'https://x.org/u' is"),
        ({"security": "none", "smtp_host": "mail.example.org"}, "digest.security: 'none' sends"),
        ({"smtp_port": 0}, "digest.smtp_port: 0 is below the minimum 1"),
        ({"enabled": True}, "digest.enabled: needs digest.smtp_host and recipients"),
        ({"recipients": "r.txt", "list_address": "x@y.org"}, "digest.list_address: set it or"),
    ],
)
def test_a_wrong_digest_setting_is_one_line_naming_the_key(make_config, digest, message):
    with pytest.raises(ConfigError) as caught:
        make_config(digest=digest)
    assert str(caught.value).startswith(f"config: {message}") and "\n" not in str(caught.value)


def test_sending_without_a_server_or_password_or_recipients_names_the_setting(
    make_config, store: Store, now
):
    week_posts(store)
    made = make_digest(make_config(digest={"recipients": "nowhere.txt"}), store, WEEK, now)
    cases = [
        ({"list_address": "families@lists.example.org"}, "digest.smtp_host: is empty"),
        ({"list_address": "x@y.org", "smtp_host": "mail.example.org", "smtp_user": "news"},
         "digest.password_env: $CURATOR_SMTP_PASSWORD is not set"),
        ({"smtp_host": "mail.example.org", "recipients": "nowhere.txt"}, "digest.recipients: "),
        ({"smtp_host": "mail.example.org", "list_address": "x@y.org", "ca_file": "no.pem"},
         "digest.ca_file: "),
        ({"smtp_host": "mail.example.org", "list_address": "lists"},
         "digest.list_address: 'lists' is not an email address"),
    ]  # fmt: skip
    for digest, message in cases:
        with pytest.raises(ConfigError, match=f"^config: {re.escape(message)}"):
            send_digest(make_config(digest=digest), store, made, now)
