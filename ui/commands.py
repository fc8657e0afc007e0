"""`shopbot serve`."""

from __future__ import annotations

import argparse
from typing import Any

from bot.settings import Settings

GRACE_SECONDS = 30
"""On SIGTERM/SIGINT, how long open requests (replies being streamed) may take to finish."""


def add_commands(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    serve = sub.add_parser("serve", help="Serve the web app (shopper chat, console, API).")
    serve.add_argument("--host", help="Address to listen on (default from settings).")
    serve.add_argument("--port", type=int, help="Port (default from settings, 8000).")
    serve.set_defaults(handler=serve_command)


def make_server(
    app: Any, host: str, port: int, log_level: str = "info", grace_s: float = GRACE_SECONDS
) -> Any:
    """A uvicorn server that shuts down gracefully: it stops accepting, lets replies in
    flight finish for ``grace_s``, then cuts the rest short (they are stored as
    interrupted) and runs the app's shutdown."""
    import uvicorn

    config = uvicorn.Config(
        app,
        host=host,
        port=port,
        log_level=log_level.lower(),
        timeout_graceful_shutdown=grace_s,  # type: ignore[arg-type]  # a float works
        timeout_keep_alive=5,
    )
    return uvicorn.Server(config)


def serve_command(args: argparse.Namespace, settings: Settings) -> int:
    from ui.app import create_app

    host, port = args.host or settings.host, args.port or settings.port
    app = create_app(settings, ready_message=ready_message(settings, host, port))
    make_server(app, host, port, settings.log_level).run()
    return 0


def ready_message(settings: Settings, host: str, port: int) -> str:
    """What to open, once the app answers."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::") else host
    base = f"http://{shown}:{port}"
    lines = [f"shopbot is ready. The shopper chat: {base}/"]
    if settings.web.demo_page:
        lines.append(f"  the demo store page, with the widget: {base}/demo")
    lines.append(f"  the agents' console: {base}/console   the API: {base}/openapi.json")
    return "\n".join(lines)
