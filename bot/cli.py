"""The `shopbot` command: a thin layer between people and the packages.

Each package contributes its subcommands through an ``add_commands(subparsers)`` function;
a command is a function ``(args, settings) -> exit code``. Commands that take ``--json``
print exactly one JSON document (or JSON Lines) on stdout; logs go to stderr.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from bot.errors import ShopbotError
from bot.model_files import force_offline
from bot.output import print_json
from bot.settings import Settings

Command = Callable[[argparse.Namespace, Settings], int]
log = logging.getLogger("shopbot")


def _config(args: argparse.Namespace, settings: Settings) -> int:
    print_json(settings.masked())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="shopbot", description="Self-hosted AI customer-service agent for online stores."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="Debug logging on stderr.")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    config = sub.add_parser("config", help="Print the effective settings (secrets masked).")
    config.add_argument("--json", action="store_true", help="(always JSON)")
    config.set_defaults(handler=_config)

    from bot import commands as bot_commands
    from retrieval import commands as retrieval_commands

    retrieval_commands.add_commands(sub)
    bot_commands.add_commands(sub)
    from bot.insights import commands as insights_commands

    insights_commands.add_commands(sub)
    _add_optional_commands(sub)
    _add_target_command(sub, "bench", "Measure performance.", BENCH_TARGETS)
    _add_target_command(sub, "eval", "Measure quality on labelled sets.", EVAL_TARGETS)
    return parser


# target -> "module:function" of the evaluation package (`evals`), imported only when that
# target runs; each function takes (args, settings) and returns an exit code.
BENCH_TARGETS = {
    "chat": "evals.bench_chat:bench_chat",
    "load": "evals.bench_load:bench_load",
    "replicas": "evals.bench_replicas:bench_replicas",
    "retrieval": "evals.bench_retrieval:bench_retrieval",
    "sentiment": "evals.sentiment:bench_sentiment",
}
EVAL_TARGETS = {
    "attacks": "evals.redteam:eval_attacks",
    "chat": "evals.chat:eval_chat",
    "orders": "evals.orders:eval_orders",
    "retrieval": "evals.retrieval:eval_retrieval",
    "sentiment": "evals.sentiment:eval_sentiment",
    "encoders": "evals.encoders:eval_encoders",
}


def _add_target_command(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    name: str,
    help_text: str,
    targets: dict[str, str],
) -> None:
    parser = sub.add_parser(name, help=help_text)
    parser.add_argument("target", choices=sorted(targets), help="What to measure.")
    parser.add_argument("--json", action="store_true", help="Print one JSON document.")
    parser.add_argument("--sizes", help="Comma-separated sizes (bench retrieval).")
    parser.add_argument("--queries", type=int, help="How many queries or questions to run.")
    parser.add_argument("--conversations", help="Comma-separated concurrency levels (bench chat).")
    parser.add_argument("--turns", type=int, help="Turns per conversation (bench chat).")
    parser.add_argument("--out", help="Where to write a detailed report.")
    parser.add_argument("--repeats", type=int, help="Runs of each task (eval orders; 4).")
    parser.add_argument("--tasks", help="Task file (eval orders; data/eval/order_tasks.jsonl).")
    parser.add_argument(
        "--cross-domain",
        action="store_true",
        help="(eval sentiment) Hold out each outside corpus in turn; baselines in the same run.",
    )
    if name == "eval":
        parser.add_argument(
            "--store",
            help="A store folder: ingested and asked (eval chat); its orders served through "
            "its platform's fake and shopbot's connector, not the demo store's (eval orders).",
        )
        parser.add_argument("--questions", help="Questions file (eval chat; JSON Lines).")
        parser.add_argument("--home", help="Where --store is ingested (eval chat).")
    if name == "bench":
        load = parser.add_argument_group("bench load")
        load.add_argument("--url", help="Load an app already running there (default: start one).")
        load.add_argument("--api-key", help="Helpdesk API key for --url.")
        load.add_argument(
            "--kill-engine-at", type=float, help="Then run again, killing the engine S s in."
        )
        load.add_argument("--server-pid", type=int, help="Process of the app at --url (for kills).")
        load.add_argument(
            "--skip-clean-run", action="store_true", help="With --kill-engine-at: only that run."
        )
    parser.set_defaults(
        handler=lambda args, settings: _dispatch(targets[args.target], args, settings)
    )


def _dispatch(target: str, args: argparse.Namespace, settings: Settings) -> int:
    import importlib

    module, function = target.split(":")
    return int(getattr(importlib.import_module(module), function)(args, settings))


def _add_optional_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Subcommands of packages that may not be complete in every installation."""
    import importlib

    for module in ("finetune.commands", "ui.commands"):
        try:
            importlib.import_module(module).add_commands(sub)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise


def setup_logging(verbose: bool, level: str = "INFO") -> None:
    logging.basicConfig(
        stream=sys.stderr,
        level=logging.DEBUG if verbose else getattr(logging, level.upper(), logging.INFO),
        format="%(asctime)s %(levelname)s %(name)s: %(message)s",
    )
    for noisy in ("httpx", "chromadb", "urllib3", "sentence_transformers", "filelock"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if not verbose:
        quiet_third_party()


THIRD_PARTY_QUIET = {
    # vLLM's and torch's notes on a CPU are about GPU features (Triton, compilation
    # backends, NUMA binding, deprecations) that do not concern a store; errors still show.
    "VLLM_LOGGING_LEVEL": "ERROR",
    "TORCH_CPP_LOG_LEVEL": "ERROR",
    "TRANSFORMERS_VERBOSITY": "error",
    "PYTHONWARNINGS": "ignore::FutureWarning,ignore::DeprecationWarning,"
    "ignore:resource_tracker:UserWarning",
}


def quiet_third_party() -> None:
    """Leave out third-party warnings that do not concern the user, here and in the engine's
    processes (each setting yields to one the user gave; `--verbose` shows everything)."""
    import os
    import warnings

    for name, value in THIRD_PARTY_QUIET.items():
        os.environ.setdefault(name, value)
    for category in (FutureWarning, DeprecationWarning):
        warnings.filterwarnings("ignore", category=category)
    warnings.filterwarnings("ignore", message="resource_tracker", category=UserWarning)
    for name in ("vllm", "transformers", "torch"):
        logging.getLogger(name).setLevel(logging.ERROR)


def _exit_on_sigterm() -> None:
    """SIGTERM unwinds like Ctrl-C, so the vLLM engine's child processes are shut down too."""
    import signal
    import threading

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))


def main(argv: Sequence[str] | None = None) -> int:
    force_offline()
    _exit_on_sigterm()
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        settings = Settings.load()
        setup_logging(args.verbose, settings.log_level)
        if settings.privacy.mask_logs:
            from bot.privacy import install_log_masking

            install_log_masking()
        handler: Command = args.handler
        return handler(args, settings)
    except ShopbotError as exc:
        print(f"shopbot: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130


if __name__ == "__main__":
    sys.exit(main())
