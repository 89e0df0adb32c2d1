"""What the daily reminder runs share: the run's summary, the outbox, the mail session.

Two runs send reminders once a day: task deadlines (``tasks.reminders``,
``send_reminders``) and report deadlines (``reports.reminders``,
``send_report_reminders``). They decide different things, but send the same way:

* a run on a day off sends nothing (``ReminderRun.working_day``);
* every message is looked up in the run's log first (``Outbox.logged``, read once),
  rendered only when it will be sent, then logged and sent in one transaction by the
  caller's ``deliver``, so a refused message is not logged and the next run sends it
  again (``ReminderRun.failed``); a dry run only counts;
* messages are Vietnamese whatever language the caller runs in, through one
  connection to the mail server opened for the run (``mail_session``).

The rules of each run stay in its own module; nothing here knows tasks or reports.
"""

import contextlib
import datetime as dt
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from typing import Any, ClassVar, Generic, Protocol, TypeVar

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import translation
from django.utils.translation import gettext as _

from cchc.core.errors import ApplicationError

#: The site's address in e-mails when ``settings.CCHC_BASE_URL`` is not set (development).
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


class _Sent(Protocol):
    """A sent message as a run records it: at least its kind."""

    @property
    def kind(self) -> str: ...


SentT = TypeVar("SentT", bound=_Sent)


@dataclass(frozen=True)
class Recipient:
    """An address a reminder goes to, with the name the message greets."""

    email: str
    name: str


def base_url() -> str:
    """The site's address for links in e-mails, without a trailing slash."""
    return str(getattr(settings, "CCHC_BASE_URL", "") or DEFAULT_BASE_URL).rstrip("/")


def require_before_days(before_days: int, *, code: str) -> None:
    """``ApplicationError`` (``code``) for a negative number of working days before a deadline."""
    if before_days < 0:
        raise ApplicationError(
            _("Số ngày làm việc nhắc trước hạn phải không âm (nhận %(days)s).") % {"days": before_days},
            code=code,
        )


@dataclass
class ReminderRun(Generic[SentT]):
    """What one run sent (or, in a dry run, would send).

    ``working_day`` is ``False`` when ``today`` is a day off (nothing is sent then).
    ``failed`` pairs a message that could not be sent with the error; it was not
    logged, so the next run tries again. ``skipped`` names what the calendar could not
    place (a deadline outside its years). A subclass names its message kinds, in the
    order the summary lists them, in ``KINDS``; a sent item has a ``kind``.
    """

    KINDS: ClassVar[tuple[str, ...]] = ()

    today: dt.date
    dry_run: bool
    working_day: bool = True
    sent: list[SentT] = field(default_factory=list)
    failed: list[tuple[SentT, str]] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        """Messages sent per kind, every kind present (0 when none)."""
        counts = dict.fromkeys((str(kind) for kind in self.KINDS), 0)
        for item in self.sent:
            counts[str(item.kind)] += 1
        return counts


@dataclass
class Outbox(Generic[SentT]):
    """Sends (or, dry, only counts) the messages of one run into its summary."""

    run: ReminderRun[SentT]
    logged: set[Any]
    connection: BaseEmailBackend | None

    def post(
        self,
        *,
        key: Hashable,
        sent: SentT,
        build: Callable[[], EmailMessage],
        deliver: Callable[[EmailMessage], bool],
    ) -> None:
        """Send what ``build`` makes unless ``key`` is in the log already.

        ``deliver`` logs and sends the message in one transaction and says whether it
        did (``False``: a concurrent run logged it first); an ``OSError`` from it (the
        mail server) lands in ``run.failed``.
        """
        if key in self.logged:
            return
        message = build()
        if self.connection is None:
            self.run.sent.append(sent)
            return
        message.connection = self.connection
        try:
            delivered = deliver(message)
        except OSError as exc:
            self.run.failed.append((sent, str(exc) or type(exc).__name__))
            return
        if delivered:
            self.run.sent.append(sent)


@contextlib.contextmanager
def mail_session(*, dry_run: bool) -> Iterator[BaseEmailBackend | None]:
    """One connection to the mail server for the run (``None`` when dry), in Vietnamese.

    If the server is down when the run starts, each message tries again and reports
    its own failure; the connection is closed whatever happens.
    """
    connection = None if dry_run else get_connection()
    if connection is not None:
        with contextlib.suppress(OSError):
            connection.open()
    try:
        with translation.override("vi"):
            yield connection
    finally:
        if connection is not None:
            connection.close()
