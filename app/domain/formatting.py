"""French formatting of dates, amounts, phone numbers and counts (via Babel and phonenumbers)."""

from __future__ import annotations

import datetime as dt

import phonenumbers
from babel.dates import format_date, format_time
from babel.numbers import format_currency, format_decimal, format_percent

LOCALE = "fr_FR"
NBSP = "\u00a0"
NNBSP = "\u202f"


def date_long(value: dt.date | None) -> str:
    """« mardi 12 mai 2026 »."""
    if value is None:
        return ""
    return format_date(value, "EEEE d MMMM y", locale=LOCALE)


def date_short(value: dt.date | None) -> str:
    """« 12/05/2026 »."""
    if value is None:
        return ""
    return format_date(value, "dd/MM/y", locale=LOCALE)


def time_short(value: dt.time | None) -> str:
    """« 9 h 00 », « 13 h 30 » (French typographic convention)."""
    if value is None:
        return ""
    return f"{value.hour}{NBSP}h{NBSP}{value.minute:02d}"


def datetime_short(value: dt.datetime | None) -> str:
    if value is None:
        return ""
    return f"{date_short(value.date())} {format_time(value, 'HH:mm', locale=LOCALE)}"


def money(cents: int | None) -> str:
    """« 10 000,00 € » (Babel's French grouping and non-breaking spaces)."""
    if cents is None:
        return ""
    return format_currency(cents / 100, "EUR", locale=LOCALE)


def percent(rate: float | None) -> str:
    """0.47 → « 47 % »."""
    if rate is None:
        return ""
    return format_percent(rate, locale=LOCALE)


def number(value: float | int | None) -> str:
    if value is None:
        return ""
    return format_decimal(value, locale=LOCALE)


def phone(e164: str | None) -> str:
    """A stored E.164 number shown the French way (« 03 86 12 34 56 »; overseas too)."""
    if not e164:
        return ""
    try:
        parsed = phonenumbers.parse(e164, "FR")
    except phonenumbers.NumberParseException:
        return e164
    # Metropolitan France and the overseas departments are shown in national format.
    if parsed.country_code in {33, 262, 508, 590, 594, 596}:
        return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(parsed, phonenumbers.PhoneNumberFormat.INTERNATIONAL)


def siret(value: str | None) -> str:
    """« 123 456 789 00012 »."""
    if not value:
        return ""
    from stdnum.fr import siret as siret_mod

    return siret_mod.format(value)


def yes_no(value: bool) -> str:
    return "Oui" if value else "Non"


def plural(count: int, singular: str, plural_form: str | None = None) -> str:
    """« 1 réunion », « 12 réunions », « 1 234 contacts »."""
    word = singular if count <= 1 else (plural_form or singular + "s")
    return f"{number(count)}{NBSP}{word}"


def typography(text: str) -> str:
    """French spacing: a non-breaking space before « : ; ! ? » and inside « guillemets »."""
    import re

    text = re.sub(r" ([:;!?»])", NBSP + r"\1", text)
    return re.sub(r"« ", "«" + NBSP, text)
