"""What a message must be to be accepted: one rule for every way in (the helpdesk API, the
widget, the chat page, the agents' console, the Python API), the same on every database.

`clean_message` normalises a shopper's or an agent's text and refuses what cannot be stored
as it is:

- line breaks become ``\\n``; other control characters (tab and newline aside) and invisible
  format characters (zero-width spaces and joiners, byte-order marks, bidirectional
  overrides) are removed; a zero-width joiner inside an emoji sequence is kept; text is in
  Unicode NFC; surrounding blanks are trimmed;
- a null byte is refused (`InvalidMessage`): SQLite would store it and PostgreSQL would
  reject it, so the same message would behave differently by database;
- nothing left after normalising (blank, or only invisible characters) is refused
  (`InvalidMessage`);
- more than ``limits.max_message_chars`` characters (at most `MAX_MESSAGE_CHARS`) is refused
  (`LimitExceeded`, naming the setting).

`comparable` is the form in which the safety checks compare text with a secret: compatibility
forms folded (full-width letters and digits are plain ones), case folded, and only letters and
digits kept (so spacing, punctuation and zero-width characters cannot hide a secret).
"""

from __future__ import annotations

import re
import unicodedata

from bot.errors import InvalidMessage, LimitExceeded

MAX_MESSAGE_CHARS = 4000
"""The most any message may hold; ``limits.max_message_chars`` may lower it."""
ZERO_WIDTH_JOINER = "\u200d"
_NEWLINES = re.compile(r"\r\n|[\r\u0085\u2028\u2029]")
_NOT_ALNUM = re.compile(r"[\W_]+")


def clean_message(text: str, max_chars: int = MAX_MESSAGE_CHARS) -> str:
    """``text`` as shopbot stores it, or `InvalidMessage` / `LimitExceeded` saying why not."""
    if "\x00" in text:
        raise InvalidMessage(
            "The message contains a null byte (\\u0000), which cannot be stored; remove it."
        )
    text = unicodedata.normalize("NFC", _NEWLINES.sub("\n", text))
    kept = [ch for i, ch in enumerate(text) if _visible(text, i, ch)]
    cleaned = "".join(kept).strip()
    if not cleaned:
        raise InvalidMessage("content must not be empty (nothing is left but blanks).")
    limit = min(max_chars, MAX_MESSAGE_CHARS)
    if len(cleaned) > limit:
        raise LimitExceeded(
            f"The message has {len(cleaned)} characters; at most {limit} are accepted "
            "(limits.max_message_chars). Shorten it or split it in two.",
            setting="limits.max_message_chars",
        )
    return cleaned


def _visible(text: str, i: int, ch: str) -> bool:
    if ch in "\n\t":
        return True
    category = unicodedata.category(ch)
    if category == "Cc":
        return False
    if category == "Cs":  # a lone surrogate: not text, and not storable everywhere
        return False
    if category != "Cf":
        return True
    # A zero-width joiner binds emoji (👩‍💻); anywhere else it only hides things.
    return ch == ZERO_WIDTH_JOINER and 0 < i < len(text) - 1 and _emoji(text[i - 1], text[i + 1])


def _emoji(before: str, after: str) -> bool:
    def symbol(ch: str) -> bool:
        return unicodedata.category(ch) in ("So", "Sk") or ch == "\ufe0f"

    return symbol(before) and symbol(after)


def comparable(text: str) -> str:
    """``text`` reduced to what a reader sees as its letters and digits, for comparisons."""
    return _NOT_ALNUM.sub("", unicodedata.normalize("NFKC", text).casefold())
