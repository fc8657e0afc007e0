"""Chinese item words read in English (bot/orders/glosses.py, CC-CEDICT): cut by longest match,
traditional and simplified alike, grammar and the request's own words dropped; the encoder's
similarity takes the better of the words and their glosses, for targets with no Chinese."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from bot.orders.glosses import gloss, head_words
from bot.orders.meaning import similarity_matrix


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("变调夹", ["capo"]),
        ("變調夾", ["capo"]),  # traditional
        ("捲線器", ["fishing reel"]),
        ("蜂箱", ["beehive"]),
        ("尤克里里想退", ["ukulele"]),  # 想, 退: the request, not the item
        ("我的钱包", ["wallet"]),
    ],
)
def test_chinese_item_words_in_english(text: str, words: list[str]) -> None:
    read = gloss(text)
    assert read is not None and all(word in read for word in words), read
    assert "return" not in read and "want" not in read


def test_text_with_no_known_chinese_word_has_no_gloss() -> None:
    assert gloss("the blue one") is None
    assert gloss("那单") is None  # only the request's own words


class KeywordMeaning:
    """A stand-in encoder: one dimension per keyword, so similarities are exact."""

    KEYWORDS = ("capo", "strap", "变调夹")

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        rows = np.array(
            [[1.0 if k in t.lower() else 0.0 for k in self.KEYWORDS] + [0.1] for t in texts]
        )
        return rows / np.linalg.norm(rows, axis=1, keepdims=True)


def test_a_chinese_word_reaches_a_latin_name_through_its_gloss() -> None:
    matrix = similarity_matrix(
        KeywordMeaning(), ["变调夹", "the strap"], ["Quick Capo", "Leather Strap", "变调夹 Capo"]
    )
    assert matrix[0].argmax() in (0, 2) and matrix[0, 0] > 0.9  # "capo" found via the gloss
    assert matrix[0, 1] < 0.1  # and nothing else
    assert matrix[1, 1] > 0.9 and matrix[1, 0] < 0.1  # an English query is as before
    # A Chinese target is matched on the words as written, not on their gloss.
    plain = KeywordMeaning().embed(["变调夹", "变调夹 Capo"])
    assert matrix[0, 2] == pytest.approx(float(plain[0] @ plain[1]))


def test_a_word_the_encoder_knows_is_not_read_through_its_gloss() -> None:
    """卫衣 is near "Hoodie" as written; its gloss "sweatshirt" is nearer a T-shirt."""
    from bot.orders.meaning import BundledMeaning

    meaning = BundledMeaning()
    matrix = similarity_matrix(meaning, ["卫衣"], ["Hoodie", "Crew Neck T-Shirt"])
    plain = meaning.embed(["卫衣", "Hoodie", "Crew Neck T-Shirt"])
    assert matrix[0] == pytest.approx(plain[0] @ plain[1:].T)


@pytest.mark.parametrize(
    ("text", "head"),
    [
        ("牛刀210的有点短", "knife"),  # 牛刀 is not in the dictionary: 刀 is what it is
        ("黑色大碗", "bowl"),
        ("羊毛袜", "socks"),
        ("啲黑色大碗想換做青瓷色", "bowl"),  # 想 after it is a verb, not part of the thing
        ("寄到家里", ""),  # a place
        ("太大了", ""),  # a size
        ("刀鞘", ""),  # in the dictionary: no guess by its last character
    ],
)
def test_a_word_the_dictionary_lacks_by_its_last_character(text: str, head: str) -> None:
    assert head_words(text) == head
