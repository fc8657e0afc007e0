"""shopbot's chat engine and its Python API.

```python
from bot import ShopBot
bot = ShopBot.from_config()
turn = bot.chat("How long do refunds take?", session="s1")
```
"""

from bot.engine import ShopBot, StreamEvent, Turn
from bot.settings import Settings

__all__ = ["Settings", "ShopBot", "StreamEvent", "Turn"]
