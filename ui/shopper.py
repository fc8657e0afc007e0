"""The shopper chat page at `/` (Gradio): streaming, cited replies, human takeover, feedback."""

from __future__ import annotations

import asyncio
import contextlib
import html
from collections.abc import AsyncIterator
from typing import Any, cast

import gradio as gr

from bot import ShopBot
from bot.errors import ConversationNotFound, InvalidMessage, LimitExceeded
from bot.inflight import ReplyTracker
from bot.language import detect_language
from bot.messages import clean_message
from bot.settings import Settings
from bot.shoppers import open_conversation, owns, shopper_view
from bot.status import ConversationStatus

TEXT: dict[str, dict[str, Any]] = {
    "en": {
        "subtitle": "Customer support · products, orders, shipping and returns",
        "placeholder": "Type your question…",
        "send": "Send",
        "human": "Talk to a person",
        "new": "New conversation",
        "rate": "How was this chat? (1-5)",
        "thanks": "Thank you for rating this chat {stars}/5.",
        "waiting": (
            "🙋 A person from our team will join this chat shortly; their replies appear here."
        ),
        "agent": "🙋 You are now chatting with a person from our team.",
        "sources": "Sources",
        "team": "team",
        "interrupted": "(reply interrupted)",
        "too_long": "Your message is too long: at most {limit} characters.",
        "suggestions": [
            "How long do refunds to a credit card take?",
            "Do you have the linen shirt in blue, size M?",
            "My parcel arrived damaged, what now?",
        ],
    },
    "zh": {
        "subtitle": "在线客服 · 商品、订单、配送和退换货",
        "placeholder": "请输入您的问题…",
        "send": "发送",
        "human": "转人工客服",
        "new": "新对话",
        "rate": "为本次对话评分（1-5）",
        "thanks": "感谢您的评分：{stars}/5。",
        "waiting": "🙋 人工客服即将加入对话，回复会显示在这里。",
        "agent": "🙋 您正在与人工客服对话。",
        "sources": "参考来源",
        "team": "客服",
        "interrupted": "（回复被中断）",
        "too_long": "消息太长了：最多 {limit} 个字符。",
        "suggestions": ["退款多久能到账？", "包裹破损了怎么办？", "可以修改收货地址吗？"],
    },
}

CSS = """
.gradio-container { max-width: 880px !important; margin: 0 auto !important; }
.gradio-container .contain { position: relative; }
#brand { padding-right: 130px; }
#brand .brand { display: flex; align-items: center; gap: 10px; }
#brand .logo { flex: none; width: 40px; height: 40px; border-radius: 10px; background: #0f766e;
  color: #fff; display: grid; place-items: center; font: 700 20px/1 system-ui, sans-serif; }
#brand .name { font-size: 18px; font-weight: 700; line-height: 1.2; }
#brand .brand > div:last-child { min-width: 0; }
#brand .tagline { font-size: 13px; opacity: .75; line-height: 1.3; }
#language { position: absolute !important; top: 2px; right: 0;
  width: max-content !important; min-width: 0 !important; z-index: 5; }
#language .wrap { flex-wrap: nowrap; gap: 0; }
#language label { padding: 4px 12px; margin: 0; border-radius: 0; cursor: pointer; }
#language label:first-child { border-radius: 8px 0 0 8px; }
#language label:last-child { border-radius: 0 8px 8px 0; }
#language input[type=radio] { display: none; }
#language label.selected { background: #0f766e; color: #fff; border-color: #0f766e; }
#human-banner { background: #fff7d6; border: 1px solid #f0e0a0; border-radius: 8px;
  padding: 6px 12px; color: #5b4600; }
#shopbot-chat { height: calc(100vh - 330px) !important; height: calc(100dvh - 330px) !important;
  min-height: 260px; }
#suggestions button { font-size: 13px; }
#message { min-width: 0 !important; }
#send { min-width: 72px !important; flex: none !important; }
#actions { align-items: center; }
#actions button { flex: none !important; }
@media (max-width: 640px) {
  .gradio-container .main { padding: 8px 10px !important; }
  #brand { padding-right: 124px; }
  .gradio-container .contain, .gradio-container .column { gap: 8px !important; }
  #brand .logo { width: 32px; height: 32px; font-size: 16px; border-radius: 8px; }
  #brand .name { font-size: 16px; }
  #brand .tagline { font-size: 12px; }
  #shopbot-chat { height: calc(100vh - 360px) !important;
    height: calc(100dvh - 360px) !important; min-height: 180px; }
  #suggestions { gap: 6px !important; }
  #suggestions button { font-size: 12px; padding: 4px 8px; }
  #input-row { flex-wrap: nowrap !important; gap: 6px !important; }
}
"""


def brand_html(store: str, subtitle: str) -> str:
    """The page's header: the store's initial, its name, what the page is for."""
    name = html.escape(store)
    initial = html.escape(store[:1].upper() or "S")
    return (
        f'<div class="brand"><div class="logo" aria-hidden="true">{initial}</div><div>'
        f'<div class="name">{name}</div><div class="tagline">{html.escape(subtitle)}</div>'
        "</div></div>"
    )


def _source_md(source: dict[str, Any]) -> str:
    label = f"[{source.get('n', '?')}] {source.get('title', '')}"
    if source.get("url"):
        return f"[{label}]({source['url']})"
    return f"📄 {label}"


def as_history(view: dict[str, Any], lang: str) -> tuple[list[dict[str, Any]], list[int]]:
    """The stored conversation as Gradio chat messages, and each one's stored position.
    Labels are in the page's language; "Sources" in the language of the reply it follows."""
    text = TEXT[lang]
    history, positions = [], []
    for m in view["messages"]:
        content = m["content"] + (f" {text['interrupted']}" if m.get("interrupted") else "")
        if m["role"] == "agent":
            content = f"**{m.get('agent') or text['team']} · {text['team']}:** {content}"
        if m.get("notice"):
            content = f"ℹ️ *{content}*"
        if m.get("sources"):
            links = " · ".join(_source_md(s) for s in m["sources"])
            label = TEXT[detect_language(m["content"])]["sources"]
            content += f"\n\n*{label}:* {links}"
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
        history, positions = as_history(view, lang)
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
        try:
            message = clean_message(message or "", settings.limits.max_message_chars)
        except InvalidMessage:  # nothing to send
            yield gr.skip(), gr.skip(), gr.skip(), gr.skip(), gr.skip()
            return
        except LimitExceeded:
            limit = settings.limits.max_message_chars
            gr.Warning(TEXT[lang]["too_long"].format(limit=limit))
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

    async def follow_language(owner: dict[str, Any] | None, lang: str) -> Any:
        """The page speaks the language the shopper writes in."""
        conversation = await owned(owner)
        spoken = conversation.language if conversation is not None else None
        return gr.update(value=spoken) if spoken in TEXT and spoken != lang else gr.skip()

    def new_conversation() -> tuple[Any, ...]:
        """Forget this browser's conversation: the next message starts a new one."""
        hidden = gr.update(visible=False)
        return None, [], [], hidden, "", gr.update(value=None), hidden

    def relabel(lang: str) -> tuple[Any, ...]:
        t = TEXT[lang if lang in TEXT else "en"]
        return (
            lang,
            gr.update(value=brand_html(store_name, t["subtitle"])),
            gr.update(placeholder=t["placeholder"]),
            gr.update(value=t["send"]),
            gr.update(value=t["human"]),
            gr.update(value=t["new"]),
            gr.update(label=t["rate"]),
            *[gr.update(value=s) for s in t["suggestions"]],
        )

    with gr.Blocks(title=f"{store_name} — support") as demo:
        owner = gr.BrowserState(None, storage_key="shopbot-conversation")
        positions = gr.State([])
        lang = gr.State("en")
        title = gr.HTML(brand_html(store_name, TEXT["en"]["subtitle"]), elem_id="brand")
        language = gr.Radio(  # placed at the header's right by CSS
            [("EN", "en"), ("中文", "zh")],
            value="en",
            show_label=False,
            container=False,
            elem_id="language",
        )
        note = gr.Markdown(visible=False, elem_id="human-banner")
        chatbot = gr.Chatbot(
            elem_id="shopbot-chat",
            layout="bubble",
            show_label=False,
            buttons=["copy"],
            group_consecutive_messages=False,  # one bubble, and one pair of thumbs, per reply
        )
        with gr.Row(elem_id="suggestions") as suggestion_row:
            suggestions = [gr.Button(s, size="sm", min_width=0) for s in TEXT["en"]["suggestions"]]
        with gr.Row(equal_height=True, elem_id="input-row"):
            box = gr.Textbox(
                placeholder=TEXT["en"]["placeholder"],
                show_label=False,
                container=False,
                scale=5,
                min_width=0,
                max_length=settings.limits.max_message_chars,
                elem_id="message",
                submit_btn=False,
            )
            send = gr.Button(
                TEXT["en"]["send"], variant="primary", scale=0, min_width=72, elem_id="send"
            )
        with gr.Row(elem_id="actions"):
            human = gr.Button(TEXT["en"]["human"], size="sm", min_width=0, elem_id="human")
            restart = gr.Button(TEXT["en"]["new"], size="sm", min_width=0, elem_id="new-chat")
        rating = gr.Radio(["1", "2", "3", "4", "5"], label=TEXT["en"]["rate"], elem_id="rating")
        thanks = gr.Markdown(visible=False, elem_id="thanks")
        browser_lang = gr.Textbox(visible=False)
        timer = gr.Timer(3.0)

        labelled = [lang, title, box, send, human, restart, rating, *suggestions]
        chat_io: dict[str, Any] = dict(
            inputs=[box, chatbot, owner, positions, lang],
            outputs=[chatbot, box, owner, positions, note],
        )
        quiet: dict[str, Any] = {"show_progress": "hidden"}
        follow = dict(fn=follow_language, inputs=[owner, lang], outputs=language, **quiet)
        send.click(respond, **chat_io).then(**follow)
        box.submit(respond, **chat_io).then(**follow)
        for button in suggestions:
            button.click(lambda s: s, button, box, **quiet).then(respond, **chat_io).then(**follow)
        cleared = [owner, chatbot, positions, note, box, rating, thanks]
        restart.click(new_conversation, None, cleared, **quiet)
        chatbot.clear(new_conversation, None, cleared, **quiet)
        human.click(take_human, [owner, lang], [chatbot, positions, note, owner])
        chatbot.like(liked, [owner, positions], None)
        # Suggested first questions: only before the first message.
        chatbot.change(lambda h: gr.update(visible=not h), chatbot, suggestion_row, **quiet)
        rating.change(rate, [rating, owner, lang], thanks, **quiet)
        timer.tick(poll, [owner, positions, lang], [chatbot, positions, note], **quiet)
        language.change(relabel, language, labelled, **quiet).then(
            refresh, [owner, lang], [chatbot, positions, note], **quiet
        )

        def first_language(code: str) -> tuple[Any, ...]:
            chosen = "zh" if (code or "").lower().startswith("zh") else "en"
            return (gr.update(value=chosen), *relabel(chosen))

        demo.load(
            first_language,
            browser_lang,
            [language, *labelled],
            js="(x) => navigator.language || 'en'",
            **quiet,
        ).then(refresh, [owner, lang], [chatbot, positions, note], **quiet)
    return cast(gr.Blocks, demo)  # Blocks.__enter__ is untyped


def mount_shopper_chat(app: Any, bot: ShopBot, settings: Settings, replies: ReplyTracker) -> Any:
    """Mount the shopper chat at `/` of the FastAPI app."""
    blocks = build_shopper_chat(bot, settings, replies)
    # In <head>: Gradio rewrites `css` selectors (inside media queries it scopes them away).
    head = f"<style>{CSS}</style>"
    theme = gr.themes.Default(primary_hue="teal")
    return gr.mount_gradio_app(app, blocks, path="/", head=head, theme=theme, footer_links=[])
