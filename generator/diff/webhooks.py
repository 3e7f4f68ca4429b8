"""The webhook events of two surfaces -> their changes. An event gone breaks a receiver: `unwrap` gives it
as an `UnknownWebhookEvent` where it gave the typed event, and its model may go with it; an event new
is an addition."""

from __future__ import annotations

from collections.abc import Iterator

from .rules import Change
from .surface import Surface


def webhook_changes(old: Surface, new: Surface) -> Iterator[Change]:
    for name, (model, where) in sorted(old.webhooks.items()):
        if name not in new.webhooks:
            message = f"webhook event removed (`{model}` no longer unwrapped)"
            yield Change(f"webhooks.{name}", "webhook-removed", message, True, False, where)
    for name, (model, where) in sorted(new.webhooks.items()):
        if name not in old.webhooks:
            yield Change(f"webhooks.{name}", "webhook-added", f"webhook event added (`{model}`)", False, True, where)
