"""The shopper chat page at `/` (Gradio): streaming, cited replies, human takeover, feedback."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from typing import Any, cast

import gradio as gr

from bot import ShopBot
from bot.errors import ConversationNotFound
from bot.inflight import ReplyTracker
from bot.settings import Settings
from bot.shoppers import open_conversation, owns, shopper_view
from bot.status import ConversationStatus

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "title": "## {store} — customer support\nAsk about products, orders, shipping and returns.",
        "placeholder": "Type your question…",
        "send": "Send",
        "human": "Talk to a person",
        "rate": "How was this chat? (1-5)",
        "thanks": "Thank you for rating this chat {stars}/5.",
        "waiting": (
            "🙋 A person from our team will join this chat shortly; their replies appear here."
        ),
        "agent": "🙋 You are now chatting with a person from our team.",
        "sources": "Sources",
        "team": "team",
        "interrupted": "(reply interrupted)",
        "suggestions": [
            "How long do refunds to a credit card take?",
            "Do you have the linen shirt in blue, size M?",
            "My parcel arrived damaged, what now?",
        ],
    },
    "zh": {
        "title": "## {store} — 在线客服\n可以咨询商品、订单、配送和退换货。",
        "placeholder": "请输入您的问题…",
        "send": "发送",
        "human": "转人工客服",
        "rate": "为本次对话评分（1-5）",
        "thanks": "感谢您的评分：{stars}/5。",
        "waiting": "🙋 人工客服即将加入对话，回复会显示在这里。",
        "agent": "🙋 您正在与人工客服对话。",
        "sources": "参考来源",
        "team": "客服",
        "interrupted": "（回复被中断）",
        "suggestions": ["退款多久能到账？", "包裹破损了怎么办？", "可以修改收货地址吗？"],
    },
}

CSS = """
#shopbot-chat { min-height: 320px; }
#human-banner { background: #fff7d6; border: 1px solid #f0e0a0; border-radius: 8px;
  padding: 8px 12px; color: #5b4600; }
@media (max-width: 480px) {
  .gradio-container { padding: 4px !important; }
  #shopbot-chat { height: 58vh !important; }
  #suggestions button { font-size: 13px; }
}
"""


def _source_md(source: dict[str, Any]) -> str:
    label = f"[{source.get('n', '?')}] {source.get('title', '')}"
    if source.get("url"):
        return f"[{label}]({source['url']})"
    return f"📄 {label}"


def as_history(
    view: dict[str, Any], text: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[int]]:
    """The stored conversation as Gradio chat messages, and each one's stored position."""
    history, positions = [], []
    for m in view["messages"]:
        content = m["content"] + (f" {text['interrupted']}" if m.get("interrupted") else "")
        if m["role"] == "agent":
            content = f"**{m.get('agent') or text['team']} · {text['team']}:** {content}"
        if m.get("sources"):
            links = " · ".join(_source_md(s) for s in m["sources"])
            content += f"\n\n*{text['sources']}:* {links}"
        role = "user" if m["role"] == "user" else "assistant"
        history.append({"role": role, "content": content})
        positions.append(m["position"])
    return history, positions


def build_shopper_chat(bot: ShopBot, settings: Settings, replies: ReplyTracker) -> gr.Blocks:
    """The Blocks app; mount it with `mount_shopper_chat`."""
    store_name = settings.store_name.title()
    busy: set[str] = set()  # conversations with a reply being written: polling waits

    async def owned(owner: dict[str, Any] | None) -> Any:
        if not owner or not owner.get("id"):
            return None
        try:
            conversation = await asyncio.to_thread(bot.store.get, owner["id"])
        except ConversationNotFound:
            return None
        return conversation if owns(conversation, owner.get("token")) else None

    def banner(view: dict[str, Any] | None, lang: str) -> Any:
        if not view or not view["human"]:
            return gr.update(visible=False)
        key = "agent" if view["status"] == ConversationStatus.AGENT else "waiting"
        return gr.update(visible=True, value=TEXT[lang][key])

    async def refresh(owner: dict[str, Any] | None, lang: str) -> tuple[Any, Any, Any]:
        conversation = await owned(owner)
        if conversation is None:
            return [], [], banner(None, lang)
        view = shopper_view(conversation)
        history, positions = as_history(view, TEXT[lang])
        return history, positions, banner(view, lang)

    async def ensure(owner: dict[str, Any] | None) -> dict[str, Any]:
        if await owned(owner):
            return owner  # type: ignore[return-value]
        cid, token = await asyncio.to_thread(open_conversation, bot.store, "web")
        return {"id": cid, "token": token}

    async def respond(
        message: str,
        history: list[dict[str, Any]],
        owner: dict[str, Any] | None,
        positions: list[int],
        lang: str,
    ) -> AsyncIterator[tuple[Any, ...]]:
        message = (message or "").strip()[:4000]
        if not message:
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        owner = await ensure(owner)
        busy.add(owner["id"])
        try:
            history = [*history, {"role": "user", "content": message}]
            yield history, "", owner, positions, gr.skip()
            text = ""
            async for event in replies.events(message, owner["id"]):
                if event.kind == "delta" and event.text:
                    text += event.text
                    yield (
                        [*history, {"role": "assistant", "content": text}],
                        "",
                        owner,
                        positions,
                        gr.skip(),
                    )
        finally:
            busy.discard(owner["id"])
        full, positions, note = await refresh(owner, lang)
        yield full, "", owner, positions, note

    async def poll(
        owner: dict[str, Any] | None, positions: list[int], lang: str
    ) -> tuple[Any, ...]:
        if not owner or owner.get("id") in busy:
            return gr.skip(), gr.skip(), gr.skip()
        history, new_positions, note = await refresh(owner, lang)
        if new_positions == positions:
            return gr.skip(), gr.skip(), note
        return history, new_positions, note

    async def take_human(owner: dict[str, Any] | None, lang: str) -> tuple[Any, ...]:
        owner = await ensure(owner)
        await asyncio.to_thread(bot.request_human, owner["id"])
        history, positions, note = await refresh(owner, lang)
        return history, positions, note, owner

    async def liked(data: gr.LikeData, owner: dict[str, Any] | None, positions: list[int]) -> None:
        index = data.index[0] if isinstance(data.index, (list, tuple)) else data.index
        if await owned(owner) is None or not 0 <= index < len(positions):
            return
        helpful = data.liked is True or data.liked == "Like"
        with contextlib.suppress(ValueError):  # a thumb on the shopper's own message
            await asyncio.to_thread(bot.feedback, owner["id"], positions[index], helpful)  # type: ignore[index]

    async def rate(stars: str | None, owner: dict[str, Any] | None, lang: str) -> Any:
        if not stars or await owned(owner) is None:
            return gr.skip()
        await asyncio.to_thread(bot.rate, owner["id"], int(stars))  # type: ignore[index]
        return gr.update(value=TEXT[lang]["thanks"].format(stars=stars), visible=True)

    def relabel(lang: str) -> tuple[Any, ...]:
        t = TEXT[lang if lang in TEXT else "en"]
        return (
            lang,
            gr.update(value=t["title"].format(store=store_name)),
            gr.update(placeholder=t["placeholder"]),
            gr.update(value=t["send"]),
            gr.update(value=t["human"]),
            gr.update(label=t["rate"]),
            *[gr.update(value=s) for s in t["suggestions"]],
        )

    with gr.Blocks(title=f"{store_name} support") as demo:
        owner = gr.BrowserState(None, storage_key="shopbot-conversation")
        positions = gr.State([])
        lang = gr.State("en")
        with gr.Row():
            title = gr.Markdown(TEXT["en"]["title"].format(store=store_name))
            language = gr.Radio(
                [("English", "en"), ("中文", "zh")],
                value="en",
                show_label=False,
                container=False,
                elem_id="language",
            )
        note = gr.Markdown(visible=False, elem_id="human-banner")
        chatbot = gr.Chatbot(
            elem_id="shopbot-chat",
            height="60vh",
            layout="bubble",
            show_label=False,
            buttons=["copy"],
            group_consecutive_messages=False,  # one bubble, and one pair of thumbs, per reply
        )
        with gr.Row(elem_id="suggestions") as suggestion_row:
            suggestions = [gr.Button(s, size="sm") for s in TEXT["en"]["suggestions"]]
        with gr.Row(equal_height=True):
            box = gr.Textbox(
                placeholder=TEXT["en"]["placeholder"],
                show_label=False,
                scale=5,
                max_length=4000,
                elem_id="message",
                submit_btn=False,
            )
            send = gr.Button(TEXT["en"]["send"], variant="primary", scale=1, elem_id="send")
        with gr.Row():
            human = gr.Button(TEXT["en"]["human"], size="sm", elem_id="human")
            rating = gr.Radio(["1", "2", "3", "4", "5"], label=TEXT["en"]["rate"], elem_id="rating")
        thanks = gr.Markdown(visible=False, elem_id="thanks")
        browser_lang = gr.Textbox(visible=False)
        timer = gr.Timer(3.0)

        labelled = [lang, title, box, send, human, rating, *suggestions]
        chat_io: dict[str, Any] = dict(
            inputs=[box, chatbot, owner, positions, lang],
            outputs=[chatbot, box, owner, positions, note],
        )
        send.click(respond, **chat_io)
        box.submit(respond, **chat_io)
        for button in suggestions:
            button.click(lambda s: s, button, box).then(respond, **chat_io)
        human.click(take_human, [owner, lang], [chatbot, positions, note, owner])
        chatbot.like(liked, [owner, positions], None)
        # Suggested first questions: only before the first message.
        chatbot.change(lambda h: gr.update(visible=not h), chatbot, suggestion_row)
        rating.change(rate, [rating, owner, lang], thanks)
        timer.tick(poll, [owner, positions, lang], [chatbot, positions, note])
        language.change(relabel, language, labelled).then(
            refresh, [owner, lang], [chatbot, positions, note]
        )

        def first_language(code: str) -> tuple[Any, ...]:
            chosen = "zh" if (code or "").lower().startswith("zh") else "en"
            return (gr.update(value=chosen), *relabel(chosen))

        demo.load(
            first_language,
            browser_lang,
            [language, *labelled],
            js="(x) => navigator.language || 'en'",
        ).then(refresh, [owner, lang], [chatbot, positions, note])
    return cast(gr.Blocks, demo)  # Blocks.__enter__ is untyped


def mount_shopper_chat(app: Any, bot: ShopBot, settings: Settings, replies: ReplyTracker) -> Any:
    """Mount the shopper chat at `/` of the FastAPI app."""
    return gr.mount_gradio_app(app, build_shopper_chat(bot, settings, replies), path="/", css=CSS)
