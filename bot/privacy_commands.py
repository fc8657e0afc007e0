"""`shopbot privacy export|delete`: a shopper's stored conversations, exported or erased."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from bot.output import print_json
from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    privacy = sub.add_parser("privacy", help="Export or delete a shopper's stored conversations.")
    actions = privacy.add_subparsers(dest="action", required=True, metavar="ACTION")
    for name, help_text in (
        ("export", "Print everything stored about the conversations (JSON)."),
        ("delete", "Delete the conversations, and their passages in the index of past chats."),
    ):
        action = actions.add_parser(name, help=help_text)
        which = action.add_mutually_exclusive_group(required=True)
        which.add_argument("--conversation", help="A conversation id.")
        which.add_argument(
            "--shopper", help="The shopper's email or phone number, as written in the chat."
        )
        action.add_argument("--json", action="store_true", help="Print JSON (always).")
        if name == "export":
            action.add_argument("--out", type=Path, help="Write the export to this file.")
        else:
            action.add_argument(
                "--dry-run", action="store_true", help="List what would be deleted; keep it."
            )
    privacy.set_defaults(handler=privacy_command)


def privacy_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot import data_rights
    from bot.store import SQLConversationStore

    store = SQLConversationStore(settings.resolved_database_url)
    if args.action == "export":
        document = data_rights.export(store, args.conversation, args.shopper)
        if args.out:
            args.out.write_text(json.dumps(document, ensure_ascii=False, indent=1), "utf-8")
            print(
                f"Wrote {len(document['conversations'])} conversation(s) to {args.out}",
                file=sys.stderr,
            )
            print_json({"out": str(args.out), "conversations": len(document["conversations"])})
        else:
            print_json(document)
        return 0
    if args.dry_run:
        ids = data_rights.targets(store, args.conversation, args.shopper)
        print_json({"would_delete": ids})
        return 0
    from retrieval import KnowledgeBase

    index = KnowledgeBase(settings, progress=False).dialogue_index()
    print_json(data_rights.delete(store, args.conversation, args.shopper, index=index))
    return 0
