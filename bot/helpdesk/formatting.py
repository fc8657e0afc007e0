"""Writing for the shopper's channel: a reply in a web chat, an e-mail or a WhatsApp message.

A reply cites its sources as [1], [2]; a helpdesk shows no source list of its own, so the
sources the reply cites are written out under it, as Markdown links in a chat that renders
them, spelt out in plain text elsewhere. An e-mail gets a greeting, the reply and a sign-off.
Incoming e-mails lose the quoted earlier messages and the signature before the bot reads them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from bot.helpdesk.contract import ChannelKind
from bot.shoppers import cited_sources

_QUOTE_START = re.compile(
    r"^\s*(On\b.{0,200}\bwrote:\s*$"  # Gmail, Apple Mail
    r"|-{2,}\s*(Original Message|Forwarded message)\s*-{2,}"  # Outlook, forwards
    r"|_{10,}\s*$"  # Outlook's rule above the quoted header
    r"|From:\s.+$"  # a quoted header block
    r"|在.{0,200}写道[:：]\s*$"  # Chinese mail clients
    r"|>)",
    re.I,
)
_SIGNATURE = re.compile(r"^(-- ?|Sent from my \w+.*|发自我的\w+.*)$", re.I)

_WORDS = {
    "en": {
        "hello": "Hello {name},",
        "hello_anonymous": "Hello,",
        "sources": "Sources:",
        "regards": "Kind regards,",
        "team": "{store} customer service",
    },
    "zh": {
        "hello": "{name}您好：",
        "hello_anonymous": "您好：",
        "sources": "参考资料：",
        "regards": "祝好！",
        "team": "{store}客服团队",
    },
}


def _words(language: str) -> dict[str, str]:
    return _WORDS.get(language, _WORDS["en"])


def strip_quoted_email(text: str) -> str:
    """The new part of an e-mail: without the quoted thread below it and the signature."""
    kept: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        if _QUOTE_START.match(line) or _SIGNATURE.match(line.strip()):
            break
        kept.append(line)
    new = "\n".join(kept).strip()
    return new or text.strip()  # a message that is all quote: keep it whole


def _source_lines(sources: Sequence[dict[str, Any]], markdown: bool) -> list[str]:
    lines = []
    for source in sources:
        title = str(source.get("title") or source.get("id") or "")
        url = source.get("url")
        number = source.get("n")
        label = f"[{number}]" if number is not None else "-"
        if url and markdown:
            lines.append(f"{label} [{title}]({url})")
        elif url:
            lines.append(f"{label} {title}: {url}")
        else:
            lines.append(f"{label} {title}")
    return lines


def shopper_reply(
    text: str,
    sources: Sequence[dict[str, Any]],
    channel: ChannelKind,
    language: str = "en",
    *,
    contact_name: str | None = None,
    store_name: str = "our store",
) -> str:
    """``text`` (the bot's reply, citing [n]) as it should reach the shopper on ``channel``."""
    words = _words(language)
    cited = cited_sources(text, list(sources)) if sources else []
    if channel is ChannelKind.EMAIL:
        greeting = (
            words["hello"].format(name=contact_name.strip())
            if contact_name and contact_name.strip()
            else words["hello_anonymous"]
        )
        parts = [greeting, text.strip()]
        if cited:
            parts.append("\n".join([words["sources"], *_source_lines(cited, markdown=False)]))
        parts.append(words["regards"] + "\n" + words["team"].format(store=store_name))
        return "\n\n".join(parts)
    if not cited:
        return text.strip()
    lines = _source_lines(cited, markdown=channel is ChannelKind.CHAT)
    return text.strip() + "\n\n" + words["sources"] + "\n" + "\n".join(lines)
