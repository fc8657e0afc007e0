"""Safety checks around the model: prompt injection in, leaks and unsupported promises out.

Each check is a pure function, testable on its own:
- `detect_injection`: a shopper message (or a retrieved document) that tries to override the
  bot's instructions, in English, Chinese and other common languages, or smuggles chat-template
  markers;
- `leaks_instructions`: a reply sentence that repeats the bot's own instructions;
- `unsupported_promise`: a reply sentence that commits the store to a refund, discount, code,
  price or exception that no retrieved policy passage supports;
- `asks_for_someone_elses_details`: a shopper asking to be told another person's address,
  phone or e-mail ("my wife ordered ..., which address is it going to?").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.messages import comparable
from bot.orders.script import simplified

if TYPE_CHECKING:
    from bot.knowledge import HitLike

_INJECTION = [
    (
        r"\b(ignore|disregard|forget|override|bypass)\b.{0,40}\b(previous|prior|above|earlier|all|"
        r"your|the|system|these|those)\b.{0,20}"
        r"\b(instructions?|rules?|prompts?|directions?|guidelines?)",
        "asks to ignore the bot's instructions",
    ),
    (
        r"\b(reveal|show|print|repeat|output|display|tell me|what (is|are))\b.{0,30}"
        r"\b(system prompt|"
        r"your (instructions|prompt|rules|configuration)|the (prompt|configuration) you|"
        r"hidden (prompt|instructions))",
        "asks for the bot's instructions",
    ),
    (
        r"\b(you are now|from now on,? you|act as (an? |if )(?!(gift|personal|style|size)\b)|"
        r"pretend (to be|you are)|roleplay as|"
        r"developer mode|jailbreak|DAN\b|do anything now|no restrictions|unfiltered|"
        r"forget (that )?you are|ignore your (task|role|job|purpose)|"
        r"if you had no (rules|restrictions|guidelines)|who ignores (the )?(store )?(policy|rules)|"
        r"(say|reply|respond|write|begin|start)( only)?( with)? ['\"].{1,60}['\"]"
        r".{0,30}\b(to (prove|confirm|test|show)|and nothing else|first)\b|"
        r"(respond|reply|answer) only with|and nothing else|"
        r"\b(the assistant|the bot|you) (says?|writes?|prints?|outputs?|reveals?)\b.{0,20}"
        r"\b(secret|magic|hidden|code) ?(phrase|word|words|sentence|token|password)\b)",
        "tries to change the bot's role",
    ),
    (
        r"\b(repeat|restate|translate|summari[sz]e|quote|echo|paste|output|print|list)\b.{0,40}"
        r"\b(words|text|everything|all) (above|before)|"
        r"\b(repeat|restate|translate|summari[sz]e|quote|echo|paste|output|print|list|show)\b.{0,50}"
        r"\b((your|the store's) (instructions|configuration|config|setup|initial message|"
        r"rules you follow|persona|hidden prompt|prompt)|the (configuration|initial message|"
        r"hidden prompt|persona|rules you follow))\b|"
        r"\b(what|which) (exact |precise )?instructions (were|did|have) you\b|"
        r"\b(what|which) (were|are) you (told|instructed|not allowed|never allowed)\b|"
        r"\b(configuration|instructions|everything) you (were|have been) (given|told)\b|"
        r"\b(every|each|all) (sentence|line|word)s? of your (rules|instructions|prompt)\b|"
        r"\bas in your (setup|instructions|prompt|configuration)\b|"
        r"\b(debug|maintenance|admin|god|sudo) mode\b",
        "asks for the bot's instructions",
    ),
    (
        r"\b(note|message|instructions?|rule|reminder)s? (to|for) (the |any )?"
        r"(ai|assistant|bot|chatbot|model|llm|language model)\b|"
        r"\b(ai|assistant|chatbot|language model|llm)\b,? (reading this|forget|disregard|ignore)|"
        r"\bnew (rule|instruction)s? for\b|\bIMPORTANT (SYSTEM )?(NOTE|INSTRUCTION)\b|"
        r"^\s*(\[|<!--\s*)?(system|assistant|admin)\s*(note)?\s*[:\]]",
        "addresses instructions to the assistant",
    ),
    (
        r"<\|im_start\|>|<\|im_end\|>|<\|system\|>|\[/?INST\]|<<SYS>>|^\s*(###\s*)?system\s*:",
        "contains chat-template markers",
    ),
    (
        # Words put in the bot's mouth ("reply exactly: 'Your refund has been approved'"), as
        # 只回复 / 原样重复 are below for Chinese.
        r"\b(reply|respond|say|write|repeat|output)\s+(back\s+)?"
        r"(exactly|verbatim|word[- ]for[- ]word|only|this exact(ly)?)"
        r"(\s+(this|these words|with))?\s*[:：'\"“‘]|\brepeat after me\b",
        "dictates the bot's reply",
    ),
    (
        r"忽略.{0,10}(之前|以上|上面|所有|先前|前面).{0,6}(指令|指示|规则|提示|设定)|"
        r"(系统提示|系统指令|提示词)|你现在是|扮演|假装你是|开发者模式|越狱|不受限制|不受约束|"
        r"没有(任何)?限制|解除限制|无视规则|不再是客服|"
        r"(AI|人工智能|机器人)?助手请注意|(输出|重复|复述|显示|列出|翻译|告诉我).{0,12}"
        r"(初始设定|配置|规则|指令|设定|人设)|原样重复|对话之前的内容|"
        r"收到的(全部|所有)?(指令|指示|设定)|原文引用|(只|仅)(输出|回复)",
        "prompt injection (Chinese)",
    ),
    (
        r"\b(ignora|olvida)\b.{0,30}\binstrucciones\b|\bignore[zr]?\b.{0,30}\binstructions\b.{0,10}"
        r"\b(précédentes|ci-dessus)\b|\bignorier(e|en)?\b.{0,30}\b(anweisungen|regeln)\b|"
        r"\b(игнорируй|забудь)\b.{0,30}\b(инструкции|правила)\b|以前の指示を無視",
        "prompt injection (other language)",
    ),
]
_INJECTION_RES = [(re.compile(p, re.I | re.M | re.S), why) for p, why in _INJECTION]
_BASE64_BLOB = re.compile(r"[A-Za-z0-9+/]{80,}={0,2}")

_PROMISE_TOPIC = re.compile(
    r"\b(refund\w*|reimburs\w*|money back|discount\w*|coupon\w*|promo\w*|codes?|voucher\w*|"
    r"(store |goodwill )?credit|free|waive\w*|exception\w*|compensat\w*|cashback|price match\w*|"
    r"% off|off your|lifetime|complimentary|upgrade\w*|bonus|points|gift\w*|replacement|"
    r"warranty|price\w*|cheaper|for \$)\b|[$€£¥]\s?\d"
    r"|退款|退钱|赔|折扣|打折|折|优惠|代金券|免费|免运费|补偿|返现|例外|破例|保修|价格|元",
    re.I,
)
_COMMITMENT = re.compile(
    r"\b(i('ll| will| have|'ve| can| could| am going to)|"
    r"we('ll| will| have|'ve| can| could| are going to)|"
    r"you('ll| will) (get|receive|be)|you (get|are getting|can have)|"
    r"here('s| is| are) (a|an|your|the)|guarantee\w*|approved|issued|granted|as an exception|"
    r"is valid|works|applied|confirm\w*|deal|sure|yes|of course|absolutely|certainly|"
    r"gladly|happy to|let me)\b"
    r"|\bwill (apply|be (applied|refunded|credited|waived|issued|given|free|covered))\b"
    # An offer stated outright ("20% off every purchase!") commits the store as much.
    r"|\d+\s?% off\b|[$€£¥]\s?\d+(\.\d+)? off\b|\bfree of charge\b|\d+\s?折|打.折"
    r"|我(会|将|已|可以|给您|帮您)|我们(会|将|已|可以)|您将|保证|已批准|已经为您|没问题|好的|可以的|当然",
    re.I,
)
# Only a refusal of the promise itself exempts a sentence ("no problem, I'll refund" does not).
_REFUSAL = re.compile(
    r"\b(cannot|can't|can ?not|won't|will not|unable to|not able to|do not|don't|does not|"
    r"doesn't|is not|isn't|are not|aren't|never|unfortunately|not (possible|eligible|allowed))\b"
    r"|不能|无法|不可以|没办法|不会|不予|不支持|不提供|不接受",
    re.I,
)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|(?<=[。！？；])|\n+")
_WORD = re.compile(r"[a-z0-9]+|[\u4e00-\u9fff]", re.I)


@dataclass
class SafetyVerdict:
    flagged: bool
    reasons: list[str] = field(default_factory=list)


def detect_injection(text: str) -> SafetyVerdict:
    """Does this text try to take over the bot's instructions?"""
    reasons = [why for pattern, why in _INJECTION_RES if pattern.search(text)]
    if _BASE64_BLOB.search(text):
        reasons.append("contains an encoded blob")
    return SafetyVerdict(bool(reasons), sorted(set(reasons)))


def _shingles(text: str, size: int) -> set[tuple[str, ...]]:
    words = [w.lower() for w in _WORD.findall(text)]
    return {tuple(words[i : i + size]) for i in range(len(words) - size + 1)}


_CODE_LIKE = re.compile(
    r"[A-Za-z0-9]+(?:[-_][A-Za-z0-9]+)+|[A-Za-z]+\d+[A-Za-z0-9]*|\d+[A-Za-z]+\w*"
)


def distinctive_tokens(instructions: str) -> set[str]:
    """Code-like strings of the instructions (build ids, codes, tokens), letters and digits
    only: repeating one of them leaks the instructions however it is spelt out."""
    tokens = set()
    for token in _CODE_LIKE.findall(instructions):
        flat = comparable(token)
        if len(flat) >= 5 and re.search(r"\d", flat) and re.search(r"[a-z]", flat):
            tokens.add(flat)
    return tokens


def contains_secret(text: str, secret: str) -> bool:
    """The secret in the text, compared on letters and digits only, case and width folded
    (so "S-T-A-F-F", full-width letters, zero-width spaces and the secret written backwards
    count)."""
    key = comparable(secret)
    if not key:
        return False
    flat = comparable(text)
    return secret.lower() in text.lower() or key in flat or key[::-1] in flat


def leaks_instructions(sentence: str, instructions: str, size: int = 5) -> bool:
    """True when the sentence repeats a run of ``size`` words from the instructions, or one
    of their code-like strings."""
    if not instructions:
        return False
    if any(contains_secret(sentence, token) for token in distinctive_tokens(instructions)):
        return True
    return bool(_shingles(sentence, size) & _shingles(instructions, size))


_PERCENT = re.compile(r"(\d+(?:\.\d+)?)\s?%")
_MONEY = re.compile(r"[$€£¥]\s?(\d[\d,]*(?:\.\d+)?)|(\d[\d,]*(?:\.\d+)?)\s?(?:元|块|美元|dollars?)")
# Words that change what is promised: a supporting policy sentence must say them too.
_STRONG = re.compile(
    r"guarantee\w*|approved?|exceptions?|waive\w*|complimentary|lifetime|free|compensat\w*|"
    r"credit|voucher\w*|coupon\w*|cashback|forever|always|any|every|all|twice|unlimited|"
    r"全额|免费|补偿|赔偿|例外|破例|永久|保证|已批准",
    re.I,
)


def _amount(number: str) -> str:
    value = float(number.replace(",", ""))
    return f"{value:g}"


def _content_words(text: str) -> set[str]:
    """Content words, plus each amount as a token of its own ("30%" is not "30 days")."""
    words = {w.lower() for w in _WORD.findall(text) if len(w) > 2 or not w.isascii() or w.isdigit()}
    words |= {f"%{_amount(m)}" for m in _PERCENT.findall(text)}
    words |= {f"${_amount(a or b)}" for a, b in _MONEY.findall(text)}
    return words


def policy_units(hits: Sequence[HitLike]) -> list[set[str]]:
    """The words of each policy sentence, and of each two adjacent sentences, retrieved."""
    units: list[set[str]] = []
    for hit in hits:
        if hit.source != "policy":
            continue
        parts = [p for p in _SENTENCE_SPLIT.split(f"{hit.title}. {hit.text}") if p.strip()]
        for i, part in enumerate(parts):
            units.append(_content_words(part))
            if i + 1 < len(parts):
                units.append(_content_words(part + " " + parts[i + 1]))
    return units


# A clause ends at a comma, a colon, a dash or "but"/"however" (and their Chinese forms).
_CLAUSE = re.compile(r"[,;:—–]|，|；|：|\b(?:but|however|though|although)\b|但是|不过|可是", re.I)


def makes_promise(sentence: str) -> bool:
    """Does the sentence commit the store to a refund, discount, code, credit, price, free
    item or exception? A refusal excuses only its own clause: "I can't refund you, but here
    is a 20% code" promises; "we can't refund opened software" does not."""
    if not _PROMISE_TOPIC.search(sentence):
        return False
    return any(
        _COMMITMENT.search(clause) and not _REFUSAL.search(clause)
        for clause in _CLAUSE.split(sentence)
        if clause and clause.strip()
    )


def unsupported_promise(
    sentence: str,
    hits: Sequence[HitLike],
    min_overlap: float = 0.6,
    units: list[set[str]] | None = None,
) -> bool:
    """True when the sentence makes a promise that no retrieved policy sentence supports:
    at least ``min_overlap`` of its words must come from one policy sentence (or two
    adjacent ones), with every amount and promise-changing word in it ("free", "guarantee",
    "exception" ...). Catalog text and past conversations never
    support a promise."""
    parts = [p for p in _SENTENCE_SPLIT.split(sentence) if p.strip()]
    if len(parts) > 1:  # each clause stands on its own
        units = policy_units(hits) if units is None else units
        return any(unsupported_promise(p, hits, min_overlap, units) for p in parts)
    if not makes_promise(sentence):
        return False
    words = _content_words(sentence)
    if not words:
        return False
    units = policy_units(hits) if units is None else units
    # Every number, amount and promise-changing word must be the policy's own.
    required = {w for w in words if w.isdigit() or w[0] in "%$" or _STRONG.fullmatch(w)}
    # Chinese words are single characters here: each character of a strong term is required.
    required |= {c for m in _STRONG.findall(sentence) if not m.isascii() for c in m}
    return not any(
        len(words & unit) / len(words) >= min_overlap and required <= unit for unit in units
    )


# Someone else's details asked for: a relative, partner or other person, and a question for
# their address, phone or e-mail (never "send it to my mother's address": nothing is asked).
_SOMEONE_ELSE = re.compile(
    r"\b(?:my|her|his|our)\s+(?:wife|husband|partner|mother|mom|mum|father|dad|daughter|son|"
    r"sister|brother|girlfriend|boyfriend|friend|boss|colleague|neighbou?r|flatmate|roommate)\b"
    r"|\b(?:she|he)(?:'s|\s+is)\b|\b(?:on behalf of)\b"
    r"|(?:我|她|他)的?(?:老婆|老公|太太|先生|妻子|丈夫|妈妈|妈|妈咪|爸爸|爸|老豆|老母|女儿|儿子|姐姐|妹妹|"
    r"哥哥|弟弟|朋友|同事|老板|室友)",
    re.I,
)
_TELL_DETAILS = re.compile(
    r"\b(?:tell|read|give|confirm|share|what(?:'s| is)?|which)\b[^.?!]{0,40}?"
    r"\b(?:address|street|phone|number\s+on|mobile|e-?mail)\b"
    r"|(?:告诉|话我知|讲|说|念|给我|查一下|查下|哪个|边个|什么|乜嘢)[^。？！?!]{0,20}?"
    r"(?:地址|电话|手机|邮箱|号码)",
    re.I,
)


_THE_STORES = re.compile(
    r"\byour\s+(?:store'?s?\s+|shop'?s?\s+)?(?:address|phone|number|e-?mail)|(?:你们|贵店|店里)的?(?:地址|电话)",
    re.I,
)


# The details are of an order or the person: "order 1073223", "going to", "she left", 寄到.
_THEIRS = re.compile(
    r"\b(?:order|orders|going|sent|shipp\w*|deliver\w*|parcel|package|on it|her|his|she|he)\b"
    r"|寄|送|单|订|她|他|佢|妈|爸|老婆|老公|太太|先生|女儿|儿子",
    re.I,
)


def asks_for_someone_elses_details(text: str) -> bool:
    """Whether the shopper asks to be told another person's address, phone or e-mail."""
    plain = simplified(text)  # the one script the patterns are written in
    if _THE_STORES.search(plain):
        return False  # "my wife asks what your phone number is"
    return bool(
        _SOMEONE_ELSE.search(plain) and _TELL_DETAILS.search(plain) and _THEIRS.search(plain)
    )
