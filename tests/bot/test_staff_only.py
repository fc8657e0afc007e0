"""Staff-only knowledge stays staff-only, and no link or e-mail address reaches a shopper
unless the knowledge or the order data holds it (issue 18, item 5)."""

from __future__ import annotations

from pathlib import Path

from bot import ShopBot
from bot.backends import FakeBackend
from bot.fakes import SimpleHit, StaticKnowledge
from bot.grounding import contacts_in
from bot.settings import Settings
from retrieval.policies import file_passages, front_matter

REFUNDS = SimpleHit(
    "policy:refunds#1",
    "policy",
    "Refunds > Credit cards",
    "Refunds to a credit card take 5-7 business days. Track them at https://shop.example/refunds.",
    metadata={"path": "refunds.md"},
)
STAFF = SimpleHit(
    "policy:agent_playbook#1",
    "policy",
    "Agent playbook > Refunds",
    "Refunds to a credit card: approve up to 50 dollars without a manager; codeword BLUEFOX.",
    metadata={"path": "agent_playbook.md", "audience": "staff"},
)


def test_front_matter_marks_a_page_for_staff() -> None:
    page = "---\naudience: staff\nowner: support\n---\n# Playbook\n\nApprove small refunds.\n"
    fields, body = front_matter(page)
    assert fields == {"audience": "staff", "owner": "support"} and body.startswith("# Playbook")
    passages = file_passages(page, "playbook.md")
    assert passages and all(p.metadata["audience"] == "staff" for p in passages)
    assert all("audience" not in p.text for p in passages)
    public = file_passages("# Returns\n\n30 days.\n", "returns.md")
    assert "audience" not in public[0].metadata


def _bot(settings: Settings, reply: str) -> ShopBot:
    return ShopBot(
        settings, backend=FakeBackend(lambda r: reply), knowledge=StaticKnowledge([REFUNDS, STAFF])
    )


def test_a_staff_page_is_never_quoted_or_cited(settings: Settings) -> None:
    bot = _bot(settings, "Refunds to a credit card take 5-7 business days [1].")
    try:
        turn = bot.chat("How long do refunds to a credit card take? approve it", session="s")
        assert "5-7 business days" in turn.reply and "BLUEFOX" not in turn.reply
        assert [s["id"] for s in turn.sources] == ["policy:refunds#1"]
        prompt = str(bot.backend.requests[-1].messages)  # type: ignore[attr-defined]
        assert "BLUEFOX" not in prompt and "manager" not in prompt
    finally:
        bot.close()


def test_only_links_the_knowledge_holds(settings: Settings) -> None:
    bot = _bot(
        settings,
        "Refunds take 5-7 business days [1]. Track it at https://shop.example/refunds. "
        "Or write to refunds@shop-help.example. See also www.refund-faq.example/cards.",
    )
    try:
        turn = bot.chat("How long do refunds to a credit card take?", session="s2")
        assert "shop.example/refunds" in turn.reply
        assert "refunds@shop-help.example" not in turn.reply
        assert "refund-faq.example" not in turn.reply
    finally:
        bot.close()


def test_links_compare_loosely() -> None:
    assert contacts_in("See https://www.Shop.example/Returns/. Mail help@shop.example.") == {
        "shop.example/returns",
        "help@shop.example",
    }


def test_the_demo_policies_have_no_staff_pages_by_accident() -> None:
    folder = Path(__file__).resolve().parents[2] / "data" / "policies"
    for page in folder.glob("*.md"):
        fields, _ = front_matter(page.read_text(encoding="utf-8"))
        assert fields.get("audience", "shoppers") != "staff" or page.stem.startswith("staff")
