"""Amounts in words, the way a French agreement writes them.

« 10 000,00 € (dix mille euros) », « 21,50 € (vingt et un euros et cinquante centimes) ».
Numbers are spelled by ``num2words`` (traditional spelling: « vingt et un »,
« quatre-vingts », « deux cents »); this module adds the currency words and the
elision « d'euros » after a round million or billion (« un million d'euros »).
"""

from __future__ import annotations

from num2words import num2words

from app.domain import formatting as fmt

_LARGE_NOUNS = ("million", "millions", "milliard", "milliards")


def number_in_words(value: int) -> str:
    """A non-negative integer in French words: 80 → « quatre-vingts »."""
    if value < 0:
        raise ValueError("number_in_words attend un entier positif ou nul")
    return num2words(value, lang="fr")


def _with_unit(value: int, singular: str, plural: str, elided: str) -> str:
    words = number_in_words(value)
    if value <= 1:
        return f"{words} {singular}"
    if words.split()[-1] in _LARGE_NOUNS:
        return f"{words} {elided}"
    return f"{words} {plural}"


def amount_in_words(cents: int) -> str:
    """An amount in euro cents spelled in French.

    >>> amount_in_words(8000)
    'quatre-vingts euros'
    >>> amount_in_words(2150)
    'vingt et un euros et cinquante centimes'
    >>> amount_in_words(100_000_000)
    "un million d'euros"
    >>> amount_in_words(50)
    'cinquante centimes'
    """
    if cents < 0:
        return "moins " + amount_in_words(-cents)
    euros, rest = divmod(int(cents), 100)
    if euros == 0 and rest == 0:
        return "zéro euro"
    parts = []
    if euros:
        parts.append(_with_unit(euros, "euro", "euros", "d'euros"))
    if rest:
        parts.append(_with_unit(rest, "centime", "centimes", "de centimes"))
    return " et ".join(parts)


def amount_with_words(cents: int) -> str:
    """« 10 000,00 € (dix mille euros) »: figures as Babel formats them, then words."""
    return f"{fmt.money(cents)} ({amount_in_words(cents)})"
