"""Names and postcodes as platform connectors compare them: a Chinese name matches its pinyin,
family name first or last, in any reading of its characters; nothing else does."""

from __future__ import annotations

import pytest

from bot.orders.platforms.matching import postcode_queries, same_name, same_postcode


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Ouyang Xiao", "欧阳晓"),  # a two-character family name
        ("xiao ouyang", "欧阳晓"),
        ("Huimin Zeng", "曾慧敏"),  # 曾 read zeng as a family name (ceng elsewhere)
        ("Fang Wang", "王芳"),
        ("王芳", "Wang Fang"),  # the store holds the pinyin, the shopper writes characters
        ("Jürgen Müller", "muller jurgen"),
        ("Lu Bin", "吕斌"),  # ü written u
        ("Mohd. Irfan Shaikh", "Mohammed Irfan Shaikh"),  # a given name written short
        ("Jordi Puig Ferrer", "Jordi Puig i Ferrer"),  # the Catalan "and" left out
    ],
)
def test_the_same_name(given: str, stored: str) -> None:
    assert same_name(given, stored)


@pytest.mark.parametrize(
    ("given", "stored"),
    [
        ("Wang Li", "王芳"),
        ("Ming Wong", "黄小明"),  # an English name is not a spelling of the Chinese one
        ("Ouyang", "欧阳晓"),  # part of a name
        ("王", "王芳"),
        ("Xiao Ou Yang Li", "欧阳晓"),
        ("", "王芳"),
        ("M. Irfan", "Mohammed Irfan Shaikh"),  # short of a word
        ("Mohd. Irfan Shah", "Mohammed Irfan Shaikh"),  # the family name in full, and other
        ("Irfan Shaikh M.", "Irfan Shaikh Mohammed"),  # never the last word short
    ],
)
def test_not_the_same_name(given: str, stored: str) -> None:
    assert not same_name(given, stored)


@pytest.mark.parametrize(
    ("given", "searched"),
    [
        ("w1d5qe", "W1D 5QE"),  # British, written without its space
        ("h2x1y4", "H2X 1Y4"),  # Canadian
        ("t12x2n6", "T12 X2N6"),  # an Eircode
    ],
)
def test_a_postcode_is_also_searched_as_stores_write_it(given: str, searched: str) -> None:
    assert postcode_queries(given)[0] == given and searched in postcode_queries(given)


def test_a_postcode_written_in_full_is_searched_as_given() -> None:
    assert postcode_queries("W1D 5QE") == ["W1D 5QE"] and postcode_queries("2200") == ["2200"]


@pytest.mark.parametrize(
    ("given", "actual", "same"),
    [
        ("LT-01103", "LT-01103", True),
        ("01103", "LT-01103", True),  # the country's letters left out
        ("LT-01103", "01103", True),
        ("LT-01104", "LT-01103", False),
        ("LT-01103", "01104", False),
    ],
)
def test_a_postcode_with_or_without_its_countrys_letters(
    given: str, actual: str, same: bool
) -> None:
    assert same_postcode(given, actual) is same


def test_umlauts_typed_out_are_the_same_name() -> None:
    assert same_name("Karin Mueller", "Karin Müller") and same_name("Karin Muller", "Karin Müller")
    assert not same_name("Karin Mueller", "Karin Miller")


def test_a_hyphen_left_out_of_a_given_name() -> None:
    assert same_name("Kim Seoyeon", "Seo-yeon Kim")
