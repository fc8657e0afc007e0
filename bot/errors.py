"""The error tree of shopbot.

Every error shopbot raises on purpose derives from :class:`ShopbotError` and says what to fix::

    ShopbotError
    ├── ConfigError                 a setting is wrong or missing
    │   └── ModelNotFoundError      a configured or bundled model cannot be found
    ├── InputError                  an input file or record is malformed (file and line given)
    ├── BackendError                the chat model backend failed
    │   ├── BackendTimeout          no answer within the configured time
    │   ├── BackendOverloaded       the request queue is full
    │   └── BackendUnavailable      the engine or server is down or not started
    ├── LimitExceeded               a configured abuse limit was reached (setting named)
    ├── InvalidMessage              a message cannot be accepted as it is (null byte, blank)
    ├── IdempotencyConflict         a request key reused for a different message
    ├── RetrievalError              the index (Chroma) or the embedder failed
    ├── StoreError                  the conversation database failed
    │   └── ConversationNotFound    no conversation with that id
    ├── OrderSystemError            the store's order system failed or refused
    │   ├── OrderNotFound           no order or customer with that reference
    │   └── ChangeRejected          a change was refused by the order system
    └── HelpdeskError               a helpdesk (Chatwoot, ...) integration failed
        ├── EventNotVerified        an incoming event is not signed or tokened as configured
        ├── EventMalformed          an incoming event is not what the helpdesk documents
        ├── HelpdeskUnavailable     a call to the helpdesk failed for now: retry later
        └── HelpdeskRejected        the helpdesk refused a call for good (e.g. no such conversation)

Adapters translate third-party exceptions into these with ``raise ... from exc``.
"""

from __future__ import annotations


class ShopbotError(Exception):
    """Base of every error shopbot raises on purpose."""


class ConfigError(ShopbotError):
    """A setting is wrong or missing; the message names the setting."""


class ModelNotFoundError(ConfigError):
    """A model cannot be found; the message names the package or setting that fixes it."""


class InputError(ShopbotError):
    """An input file or record is malformed."""

    def __init__(self, message: str, *, path: str | None = None, line: int | None = None):
        self.path = path
        self.line = line
        where = f"{path}:{line}: " if path and line else (f"{path}: " if path else "")
        super().__init__(f"{where}{message}")


class BackendError(ShopbotError):
    """The chat model backend failed."""


class BackendTimeout(BackendError):
    """The backend gave no answer within the configured time."""


class BackendOverloaded(BackendError):
    """Too many requests are waiting; try again shortly."""


class BackendUnavailable(BackendError):
    """The engine or server is not running or cannot be reached."""


class LimitExceeded(ShopbotError):
    """A configured limit (size, length, rate) was reached; the message names the setting."""

    def __init__(self, message: str, *, setting: str, retry_after_s: float | None = None):
        self.setting = setting
        self.retry_after_s = retry_after_s
        super().__init__(message)


class InvalidMessage(ShopbotError):
    """A message cannot be accepted as it is (a null byte, nothing but blanks); says why."""


class IdempotencyConflict(ShopbotError):
    """A request (idempotency) key already names a different message of the conversation."""

    def __init__(self, message: str, *, key: str):
        self.key = key
        super().__init__(message)


class RetrievalError(ShopbotError):
    """The knowledge index or the embedder failed."""


class StoreError(ShopbotError):
    """The conversation database failed."""


class ConversationNotFound(StoreError):
    """No conversation has that id."""


class OrderSystemError(ShopbotError):
    """The store's order system failed or refused a change (the message says which)."""


class OrderNotFound(OrderSystemError):
    """No order or customer with that reference."""


class ChangeRejected(OrderSystemError):
    """The order system refused a change (e.g. the order moved on meanwhile)."""


class HelpdeskError(ShopbotError):
    """A helpdesk integration failed (the message says which helpdesk and what to fix)."""


class EventNotVerified(HelpdeskError):
    """An incoming event carries no valid signature or token; it is refused."""


class EventMalformed(HelpdeskError):
    """An incoming event is not shaped as the helpdesk documents it."""


class HelpdeskUnavailable(HelpdeskError):
    """The helpdesk did not take a call this time (down, overloaded, a token it refuses): the
    call stays queued and is retried."""

    def __init__(self, message: str, *, retry_after_s: float | None = None):
        self.retry_after_s = retry_after_s
        super().__init__(message)


class HelpdeskRejected(HelpdeskError):
    """The helpdesk refused a call in a way a retry cannot fix (the conversation is gone)."""
