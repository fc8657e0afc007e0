"""`shopbot agents add|list|disable|enable|audit`: the agents' own accounts (`bot.agents`)."""

from __future__ import annotations

import argparse
import sys

from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    agents = sub.add_parser("agents", help="Add, list and disable the agents' console accounts.")
    actions = agents.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="Add an agent; prints the new secret once.")
    add.add_argument("name", help="The agent's name (shown to shoppers).")
    add.add_argument(
        "--role",
        choices=("agent", "admin"),
        default="agent",
        help="admin also sees the insights and the audit log (default agent).",
    )
    add.add_argument(
        "--secret-stdin",
        action="store_true",
        help="Read the secret from stdin instead of generating one.",
    )
    for name, help_text in (
        ("disable", "Disable an account; its sessions end at once."),
        ("enable", "Enable a disabled account again."),
    ):
        action = actions.add_parser(name, help=help_text)
        action.add_argument("name")
    listing = actions.add_parser("list", help="The accounts, with role and state.")
    audit = actions.add_parser("audit", help="What agents did, newest first.")
    audit.add_argument("--agent", help="Only this agent's actions.")
    audit.add_argument("--conversation", help="Only actions on this conversation.")
    audit.add_argument("--limit", type=int, default=50)
    for parser in (add, listing, audit):
        parser.add_argument("--json", action="store_true", help="Print one JSON document.")
    agents.set_defaults(handler=agents_command)


def agents_command(args: argparse.Namespace, settings: Settings) -> int:
    from bot.agents import AgentDirectory
    from bot.output import print_json
    from bot.store import SQLConversationStore

    directory = AgentDirectory(SQLConversationStore(settings.resolved_database_url).engine)
    if args.action == "add":
        secret = sys.stdin.readline().rstrip("\n") if args.secret_stdin else None
        secret = directory.add(args.name, args.role, secret)
        if args.json:
            print_json(
                {
                    "name": args.name.strip(),
                    "role": args.role,
                    "secret": None if args.secret_stdin else secret,
                }
            )
        elif not args.secret_stdin:
            print(secret)
            print(
                f"Added {args.role} {args.name.strip()!r}. Give them this secret now: it is "
                "stored only as a hash and cannot be shown again.",
                file=sys.stderr,
            )
        return 0
    if args.action in ("disable", "enable"):
        directory.set_disabled(args.name, args.action == "disable")
        print(f"{args.name}: {args.action}d.", file=sys.stderr)
        return 0
    if args.action == "list":
        accounts = [a.as_dict() for a in directory.accounts()]
        if args.json:
            print_json({"agents": accounts})
        else:
            for a in accounts:
                state = "disabled" if a["disabled"] else "active"
                print(f"{a['name']}\t{a['role']}\t{state}\tsince {a['created_at'][:10]}")
            if not accounts:
                print("No agent accounts yet: `shopbot agents add NAME`.", file=sys.stderr)
        return 0
    rows = directory.audit_log(args.agent, args.conversation, args.limit)
    if args.json:
        print_json({"audit": rows})
    else:
        for row in rows:
            where = f" {row['conversation_id']}" if row["conversation_id"] else ""
            print(f"{row['at'][:19]}  {row['agent']} ({row['via']})  {row['action']}{where}")
    return 0
