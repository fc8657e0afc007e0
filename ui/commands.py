"""`shopbot serve`."""

from __future__ import annotations

import argparse

from bot.settings import Settings


def add_commands(sub: argparse._SubParsersAction) -> None:
    serve = sub.add_parser("serve", help="Serve the web app (shopper chat, console, API).")
    serve.add_argument("--host", help="Address to listen on (default from settings).")
    serve.add_argument("--port", type=int, help="Port (default from settings, 8000).")
    serve.set_defaults(handler=serve_command)


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    import uvicorn

    from ui.app import create_app

    app = create_app(settings)
    uvicorn.run(
        app,
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level=settings.log_level.lower(),
        timeout_graceful_shutdown=30,
    )
    return 0
