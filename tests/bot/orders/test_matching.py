"""Names and postcodes as platform connectors compare them: a Chinese name matches its pinyin,
family name first or last, in any reading of its characters; nothing else does."""

from __future__ import annotations

import pytest

from bot.orders.platforms.matching import same_name


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
    ],
)
def test_not_the_same_name(given: str, stored: str) -> None:
    assert not same_name(given, stored)
