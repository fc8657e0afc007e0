"""shopbot's web app: FastAPI with the Gradio shopper chat mounted, the store widget, the
agents' console and the helpdesk API.

It is the top layer: it may import all of `bot` (the Python API, the store, insights) and
translates between people and the bot with no logic of its own in routes; nothing below it
imports `ui` (only the command line, to start it)."""
