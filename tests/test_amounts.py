"""Amounts in words, as printed in conventions."""

from __future__ import annotations

import pytest

from app.domain.amounts import amount_in_words, amount_with_words, number_in_words


def plain(text: str) -> str:
    """Babel's non-breaking spaces as ordinary spaces, for readable assertions."""
    return text.replace("\u202f", " ").replace("\u00a0", " ")


@pytest.mark.parametrize(
    ("cents", "words"),
    [
        (8_000, "quatre-vingts euros"),
        (7_100, "soixante et onze euros"),
        (2_150, "vingt et un euros et cinquante centimes"),
        (100_000_000, "un million d'euros"),
        (1_000_000, "dix mille euros"),
        (200_000_000, "deux millions d'euros"),
        (120_000_000, "un million deux cent mille euros"),
        (8_000_000, "quatre-vingt mille euros"),
        (20_000, "deux cents euros"),
        (28_000, "deux cent quatre-vingts euros"),
        (100, "un euro"),
        (101, "un euro et un centime"),
        (99, "quatre-vingt-dix-neuf centimes"),
        (0, "zéro euro"),
        (100_000_000_000, "un milliard d'euros"),
    ],
)
def test_amount_in_words(cents: int, words: str) -> None:
    assert amount_in_words(cents) == words


@pytest.mark.parametrize(
    ("cents", "printed"),
    [
        (1_000_000, "10 000,00 € (dix mille euros)"),
        (2_150, "21,50 € (vingt et un euros et cinquante centimes)"),
        (8_000, "80,00 € (quatre-vingts euros)"),
        (7_100, "71,00 € (soixante et onze euros)"),
        (100_000_000, "1 000 000,00 € (un million d'euros)"),
    ],
)
def test_amount_with_words_as_printed(cents: int, printed: str) -> None:
    assert plain(amount_with_words(cents)) == printed


def test_negative_amounts_and_numbers() -> None:
    assert amount_in_words(-2_150) == "moins vingt et un euros et cinquante centimes"
    assert number_in_words(3) == "trois"
    with pytest.raises(ValueError):
        number_in_words(-1)
