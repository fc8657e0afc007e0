"""Personal data: finding and masking it (English and Chinese formats), in one place.

Used wherever text leaves a conversation: logs (`install_log_masking`), the index built from
past conversations, the handoff summary, fine-tuning data, and the output check that keeps
other people's data out of replies (`foreign_personal_data`).

Kinds: emails, phone numbers (international, North American, Chinese mobile and landline),
card numbers (13-19 digits that pass the Luhn checksum) and street addresses (EN and ZH).
Order numbers are not masked here: they are how a shopper's order is found.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# 13-19 digits, optionally grouped by spaces or dashes.
CARD = re.compile(r"(?<![A-Za-z0-9-])\d(?:[ -]?\d){12,18}(?![A-Za-z0-9-])")
PHONE = re.compile(
    r"(?:\+?86[ -]?)?(?<!\d)1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?!\d)"  # Chinese mobile
    r"|(?<!\d)0\d{2,3}-\d{7,8}(?!\d)"  # Chinese landline
    r"|(?:\+?1[ .-]?)?(?:\(\d{3}\)|(?<!\d)\d{3})[ .-]?\d{3}[ .-]\d{4}(?!\d)"  # North American
    r"|\+\d{1,3}(?:[ .-]?\(?\d{2,4}\)?){2,5}(?!\d)"  # international
)
_STREET = (
    r"(?:Street|St|Avenue|Ave|Road|Rd|Boulevard|Blvd|Lane|Ln|Drive|Dr|Court|Ct|Way|Place|Pl"
    r"|Terrace|Parkway|Pkwy|Highway|Hwy|Circle|Square|Sq)"
)
ADDRESS_EN = re.compile(
    r"(?<![A-Za-z0-9])\d{1,6}(?: [NSEW]\.?)?(?: [A-Z0-9][\w'-]*){1,4} " + _STREET + r"\b\.?"
    r"(?:,? (?:Apt|Apartment|Unit|Suite|Ste|Flat|#)\.? ?[\w-]+)?"
    r"(?:, (?:[A-Z][a-z]+ ?){1,3})?(?:,? [A-Z]{2}\.?(?: \d{5}(?:-\d{4})?)?)?"
)
ADDRESS_ZH = re.compile(
    r"(?:[\u4e00-\u9fff]{2,4}[省市])?(?:[\u4e00-\u9fff]{2,4}[区县])?"
    r"[\u4e00-\u9fff\d]{1,8}(?:路|街|大道|巷|弄|胡同)\d+号"
    r"(?:\d+(?:号楼|栋|幢|单元|楼|层))*(?:\d+室)?"
)

_ZH_LEAD = re.compile(r"(?:[新旧原收发货寄件]*地?址)?[是为在到往至寄送改成换：:\s]*")

PLACEHOLDERS = {
    "email": "[email]",
    "card": "[card number]",
    "phone": "[phone]",
    "address": "[address]",
}
KINDS = tuple(PLACEHOLDERS)


def luhn_valid(digits: str) -> bool:
    """The card-number checksum (ISO/IEC 7812)."""
    digits = re.sub(r"\D", "", digits)
    if not 13 <= len(digits) <= 19:
        return False
    total = 0
    for i, char in enumerate(reversed(digits)):
        n = int(char)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


@dataclass(frozen=True)
class Found:
    """One piece of personal data in a text."""

    kind: str
    value: str
    start: int
    end: int

    @property
    def key(self) -> str:
        return identity_key(self.kind, self.value)


def identity_key(kind: str, value: str) -> str:
    """A normal form, so "+1 (614) 555-0148" and "614.555.0148" are the same phone."""
    if kind == "email":
        return "email:" + value.strip().lower()
    if kind in ("phone", "card"):
        digits = re.sub(r"\D", "", value)
        if kind == "phone":
            digits = digits[-10:] if len(digits) > 10 else digits
        return f"{kind}:{digits}"
    return f"{kind}:" + re.sub(r"[\W_]+", " ", value).strip().lower()


def find_personal_data(text: str, any_card: bool = False) -> list[Found]:
    """Every email, card number, phone number and street address in ``text``, in order.

    Card numbers must pass the Luhn check unless ``any_card`` (for masking training data,
    where over-masking costs nothing)."""
    found: list[Found] = []
    taken: list[tuple[int, int]] = []

    def add(kind: str, pattern: re.Pattern[str], check: bool = False) -> None:
        for match in pattern.finditer(text):
            start, end = match.span()
            if pattern is ADDRESS_ZH:  # the greedy province part may swallow "地址是"
                start += len(_ZH_LEAD.match(text, start).group(0))  # type: ignore[union-attr]
            if any(start < t_end and end > t_start for t_start, t_end in taken):
                continue
            if check and not any_card and not luhn_valid(match.group(0)):
                continue
            found.append(Found(kind, text[start:end], start, end))
            taken.append((start, end))

    add("email", EMAIL)
    add("address", ADDRESS_EN)
    add("address", ADDRESS_ZH)
    add("card", CARD, check=True)
    add("phone", PHONE)
    return sorted(found, key=lambda f: f.start)


def mask_personal_data(text: str, any_card: bool = False) -> str:
    """The text with each piece of personal data replaced by a typed placeholder."""
    if not text:
        return text
    out, last = [], 0
    for item in find_personal_data(text, any_card=any_card):
        out.append(text[last : item.start])
        out.append(PLACEHOLDERS[item.kind])
        last = item.end
    out.append(text[last:])
    return "".join(out)


def identities_in(texts: Iterable[str]) -> set[str]:
    """The normalised personal data stated in ``texts`` (e.g. the shopper's own messages)."""
    return {item.key for text in texts for item in find_personal_data(text)}


def foreign_personal_data(text: str, allowed: Iterable[str] = ()) -> list[Found]:
    """Personal data in ``text`` that is not among the ``allowed`` identities.

    ``allowed`` holds `identity_key` values (or raw values, normalised here): the current
    shopper's own email and phone, the store's published contact details. Pure, so the
    orders module can feed it the identifiers of the shopper it has verified."""
    allowed_keys = set()
    for value in allowed:
        if ":" in value and value.split(":", 1)[0] in KINDS:
            allowed_keys.add(value)
        else:
            allowed_keys |= identities_in([value])
    return [item for item in find_personal_data(text) if item.key not in allowed_keys]


def mask_data(value: object) -> object:
    """Masks every string inside JSON-like data (analytics records, exports for third
    parties)."""
    if isinstance(value, str):
        return mask_personal_data(value)
    if isinstance(value, dict):
        return {k: mask_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [mask_data(v) for v in value]
    return value


def mask_record(record: logging.LogRecord) -> logging.LogRecord:
    if getattr(record, "_pii_masked", False):
        return record
    try:
        message = record.getMessage()
    except Exception:  # a bad format string is logging's to report, not ours
        return record
    masked = mask_personal_data(message)
    if masked != message:
        record.msg, record.args = masked, None
    record._pii_masked = True
    return record


_installed = False


def install_log_masking() -> None:
    """Mask personal data in every log record this process makes, whichever logger or
    handler (uvicorn's included) it goes through. Idempotent."""
    global _installed
    if _installed:
        return
    previous = logging.getLogRecordFactory()

    def factory(*args: object, **kwargs: object) -> logging.LogRecord:
        return mask_record(previous(*args, **kwargs))

    logging.setLogRecordFactory(factory)
    _installed = True
