"""shopbot's chat bot and its Python API.

```python
from bot import ShopBot
bot = ShopBot.from_config()
turn = bot.chat("How long do refunds take?", session="s1")
```

`bot` owns the conversation: settings, errors and languages at the bottom; the model
backends (`bot.backends`), sentiment (`bot.sentiment`), orders (`bot.orders`) and the
conversation store above them; the turn pipeline (`bot.pipeline`, `bot.shopbot`) on top of
those; and the `shopbot` command (`bot.cli`). Its lower layers may import `retrieval` (the
knowledge the turn answers from) but never `ui`, `finetune` or `evals`; only the command line
reaches `ui` and `finetune`, and only to run their commands. `tests/test_layers.py` checks it.
Importing a submodule (`bot.settings`) does not load the engine: the names below are loaded
when first used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bot.settings import Settings
    from bot.shopbot import ShopBot
    from bot.turns import StreamEvent, Turn

__all__ = ["Settings", "ShopBot", "StreamEvent", "Turn"]
_HOMES = {
    "ShopBot": "bot.shopbot",
    "Settings": "bot.settings",
    "StreamEvent": "bot.turns",
    "Turn": "bot.turns",
}


def __getattr__(name: str) -> Any:
    """`ShopBot`, `Settings`, `StreamEvent` and `Turn`, imported when first asked for."""
    if name not in _HOMES:
        raise AttributeError(f"module 'bot' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(_HOMES[name]), name)
