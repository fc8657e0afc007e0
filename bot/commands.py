"""`shopbot chat` and `shopbot sentiment`: thin translations to and from `bot`."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import Any

from bot.conversations import read_conversations
from bot.errors import InputError
from bot.output import print_json
from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = sub.add_parser("chat", help="Chat with the bot: one turn, or a session.")
    chat.add_argument("message", nargs="?", help="One message; without it, an interactive session.")
    chat.add_argument("--session", help="Conversation id to continue (kept in the database).")
    chat.add_argument(
        "--input", type=Path, help="Conversation JSON Lines: answer each last message."
    )
    chat.add_argument("--json", action="store_true", help="Print JSON.")
    chat.set_defaults(handler=chat_command)

    sentiment = sub.add_parser("sentiment", help="Score every shopper message of conversations.")
    sentiment.add_argument("--input", type=Path, required=True, help="Conversation JSON Lines.")
    sentiment.add_argument("--json", action="store_true", help="Print JSON Lines (always).")
    sentiment.set_defaults(handler=sentiment_command)

    from bot.agent_commands import add_commands as add_agent_commands
    from bot.privacy_commands import add_commands as add_privacy_commands

    add_privacy_commands(sub)
    add_agent_commands(sub)


def _check_of(withheld: dict[str, str]) -> str:
    if withheld.get("check"):
        return withheld["check"]
    return "injection" if withheld.get("sentence") == "[shopper message]" else "other"


def _turn_json(turn: Any) -> dict[str, Any]:
    return {
        "session": turn.session,
        **turn.reply_fields(),
        "language": turn.language,
        "escalation_reasons": turn.escalation_reasons,
        "withheld": len(turn.withheld),
        # Which layer held something back (injection, secret, promise, personal_data, ...).
        "withheld_checks": sorted({_check_of(w) for w in turn.withheld}),
    }


def chat_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.shopbot import ShopBot
    from bot.turns import Overrides

    if args.input and args.message:
        raise InputError("give either MESSAGE or --input, not both")
    bot = ShopBot(settings)
    try:
        bot.warm_up()
        if args.input:
            return _chat_file(bot, args.input, Overrides)
        if args.message:
            turn = None
            if args.json:
                turn = bot.chat(args.message, session=args.session)
                print_json(_turn_json(turn))
            else:
                for piece in bot.stream(args.message, session=args.session):
                    sys.stdout.write(piece)
                    sys.stdout.flush()
                sys.stdout.write("\n")
                _print_sources(bot.last_turn)
            return 0
        return _interactive(bot, args.session, args.json)
    finally:
        bot.close()


def _chat_file(bot: Any, path: Path, overrides_cls: Any) -> int:
    failures = 0
    for number, record in read_conversations(path):
        if isinstance(record, InputError):
            print(f"shopbot: skipped {record}", file=sys.stderr)
            failures += 1
            continue
        messages = record["messages"]
        last_user = max((i for i, m in enumerate(messages) if m["role"] == "user"), default=None)
        if last_user is None:
            print(f"shopbot: skipped {path}:{number}: no user message", file=sys.stderr)
            failures += 1
            continue
        secrets = record.get("secrets") or []
        if isinstance(secrets, str):
            secrets = [secrets]
        overrides = overrides_cls(system_prompt=record.get("system"), secrets=tuple(secrets))
        turn = bot.answer(messages[: last_user + 1], overrides)
        document = _turn_json(turn)
        document["id"] = record.get("id")
        document["session"] = None
        print_json(document)
    return 1 if failures else 0


def _print_sources(turn: Any) -> None:
    if turn is None or not turn.sources:
        return
    print(
        "Sources: " + "; ".join(f"[{s['n']}] {s['title']}" for s in turn.sources), file=sys.stderr
    )


def _interactive(bot: Any, session: str | None, as_json: bool) -> int:
    import uuid

    session = session or uuid.uuid4().hex
    print(f"Session {session}. Type your message; an empty line or Ctrl-D ends.", file=sys.stderr)
    while True:
        try:
            message = input("you> ").strip()
        except EOFError:
            break
        if not message:
            break
        if as_json:
            print_json(_turn_json(bot.chat(message, session=session)))
            continue
        sys.stdout.write("bot> ")
        for piece in bot.stream(message, session=session):
            sys.stdout.write(piece)
            sys.stdout.flush()
        sys.stdout.write("\n")
        _print_sources(bot.last_turn)
    return 0


def sentiment_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.escalation import EscalationPolicy, judge_conversation
    from bot.sentiment import make_scorer

    scorer = make_scorer(settings)
    scorer.warm_up()
    policy = EscalationPolicy(settings.escalation)
    failures = 0
    for _number, record in read_conversations(args.input):
        if isinstance(record, InputError):
            print(f"shopbot: skipped {record}", file=sys.stderr)
            failures += 1
            continue
        for index, result, decision in judge_conversation(scorer, policy, record["messages"]):
            extra = [r.text for r in decision.reasons if r.text not in result.reasons]
            print_json(
                {
                    "id": record.get("id"),
                    "index": index,
                    "sentiment": result.sentiment,
                    "dissatisfaction": result.dissatisfaction,
                    "abusive": result.abusive,
                    "escalate": result.escalate or decision.escalate,
                    "reasons": result.reasons + extra,
                }
            )
    return 1 if failures else 0
