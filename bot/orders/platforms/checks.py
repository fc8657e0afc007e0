"""What a platform connector checks before a change, because the platform itself would accept
it (Shopify cancels a shipped order, WooCommerce returns anything): the same refusals, in the
same words, as the demo store's database gives."""

from __future__ import annotations

from collections.abc import Sequence

from bot.errors import ChangeRejected
from bot.orders.system import Order, OrderItem


def _status(order: Order) -> str:
    return order.status.replace("_", " ")


def may_cancel(order: Order, allowed: Sequence[str]) -> None:
    if order.status not in allowed:
        raise ChangeRejected(
            f"Order {order.number} is {_status(order)} and can no longer be cancelled."
        )


def may_readdress(order: Order, allowed: Sequence[str]) -> None:
    if order.status not in allowed:
        raise ChangeRejected(
            f"Order {order.number} is {_status(order)}: its address can no longer be changed."
        )


def must_be_delivered(order: Order, what: str) -> None:
    """Only delivered items can be returned or exchanged."""
    if order.status != "delivered":
        raise ChangeRejected(
            f"Order {order.number} is {_status(order)}: only delivered items can be {what}."
        )


def chosen_lines(order: Order, line_ids: Sequence[str]) -> list[OrderItem]:
    """The lines asked for, each with nothing open or done on it yet."""
    if not line_ids:
        raise ChangeRejected(f"No item of order {order.number} was chosen.")
    chosen = []
    for line_id in dict.fromkeys(str(x) for x in line_ids):
        item = order.item(line_id)
        if item is None:
            raise ChangeRejected(f"Order {order.number} has no item line {line_id}.")
        if item.status != "ordered":
            raise ChangeRejected(
                f"Item {line_id} of order {order.number} already has a "
                f"{item.status.replace('_', ' ')} open or done."
            )
        chosen.append(item)
    return chosen
