"""Vietnamese number formatting for the catalogue pages: ``1.234.567``, ``12,5``."""

from decimal import Decimal
from typing import Any

from django import template

register = template.Library()


@register.filter
def vn_number(value: Any) -> str:
    """Thousands with ``.``, decimals with ``,``, trailing zeros dropped; ``–`` for ``None``."""
    if value is None or value == "":
        return "–"
    number = Decimal(value).normalize()
    sign = "-" if number < 0 else ""
    whole, _, fraction = format(abs(number), "f").partition(".")
    groups = f"{int(whole):,}".replace(",", ".")
    return f"{sign}{groups}{',' + fraction if fraction else ''}"
