"""Checked command-line arguments the management commands share."""

import datetime as dt
import re

from django.core.management.base import CommandError

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def iso_date(text: str, *, example: str | None = None) -> dt.date:
    """``YYYY-MM-DD`` as a date; ``CommandError`` in Vietnamese (with ``example`` when given) otherwise."""
    if ISO_DATE.fullmatch(text):
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    hint = f"định dạng YYYY-MM-DD, ví dụ {example}" if example else "định dạng YYYY-MM-DD"
    raise CommandError(f"Ngày không hợp lệ: '{text}' ({hint}).")
