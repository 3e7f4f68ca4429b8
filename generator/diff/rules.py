"""Every rule of `generator diff`: its id (the `kind` of a change), the level of a change it reports when
the change breaks no caller (`warning`: behaviour may differ although every call still type-checks;
`info`: an addition or a harmless change), and what it reports, in a line. A change that breaks callers
has the level `breaking` whatever its rule. The README's rule table and the fixture check
(tests/diff_fixtures/: one fixture pair reports each rule) read this table. And `Change`, one change
found, with the rule that reports it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal, NamedTuple

from .locations import Location

Level = Literal["breaking", "warning", "info"]
LEVELS: tuple[Level, ...] = ("breaking", "warning", "info")


class Rule(NamedTuple):
    level: Literal["warning", "info"]  # the level of a change that breaks no caller
    summary: str


RULES: dict[str, Rule] = {
    "client-changed": Rule("info", "the client class or one of its environment variables is renamed"),
    "server-changed": Rule("warning", "the default server, or an operation's own server, changed its URL"),
    "resource-removed": Rule("info", "a resource is gone, with its methods"),
    "resource-renamed": Rule("info", "a resource holds the same endpoints under another name"),
    "resource-added": Rule("info", "a resource is new"),
    "method-removed": Rule("info", "a method is gone (the report says whether it was deprecated first)"),
    "method-renamed": Rule("info", "the same endpoint under another method name"),
    "method-added": Rule("info", "a method is new"),
    "method-deprecated": Rule("info", "an operation is newly deprecated"),
    "endpoint-changed": Rule("warning", "a method sends another HTTP method or path"),
    "security-changed": Rule("info", "the credentials an operation requires changed"),
    "return-type-narrowed": Rule("info", "a method returns a narrower type"),
    "return-type-widened": Rule("info", "a method returns a wider type"),
    "return-type-changed": Rule("info", "a method returns an unrelated type"),
    "success-status-removed": Rule("info", "a success status an operation answered is no longer declared"),
    "success-status-added": Rule("info", "an operation declares a new success status"),
    "request-media-type-removed": Rule("info", "a media type a request body took is no longer accepted"),
    "request-media-type-added": Rule("info", "a request body takes a new media type"),
    "response-media-type-removed": Rule("info", "a media type a success response had is no longer declared"),
    "response-media-type-added": Rule("info", "a success response declares a new media type"),
    "error-removed": Rule("info", "an error status is no longer declared"),
    "error-changed": Rule("info", "an error status has another body model"),
    "error-added": Rule("info", "an error status is newly declared"),
    "pagination-changed": Rule("warning", "a method starts or stops paging, or pages another way"),
    "wait-removed": Rule("info", "a wait method (`x-poll`) is gone"),
    "wait-renamed": Rule("info", "a wait method (`x-poll`) has another name"),
    "wait-added": Rule("info", "a wait method (`x-poll`) is new"),
    "wait-changed": Rule("warning", "a wait compares another field, or ends on other values"),
    "wait-default-changed": Rule("info", "a wait's default interval, backoff, bound or timeout changed"),
    "parameter-removed": Rule("info", "a parameter is gone (the report says whether it was deprecated first)"),
    "parameter-renamed": Rule("info", "a parameter is renamed"),
    "parameter-added": Rule("info", "a parameter is new"),
    "parameter-deprecated": Rule("info", "a parameter or body property is newly deprecated"),
    "parameter-now-required": Rule("info", "a parameter must be given"),
    "parameter-now-optional": Rule("info", "a parameter may be left out"),
    "parameter-moved": Rule("info", "a parameter changes position, or becomes a keyword"),
    "parameter-type-narrowed": Rule("info", "a parameter takes fewer values"),
    "parameter-type-widened": Rule("info", "a parameter takes more values"),
    "parameter-type-changed": Rule("info", "a parameter takes unrelated values"),
    "default-changed": Rule("warning", "the default the API applies to a left-out parameter changed"),
    "constraint-tightened": Rule("info", "a request value's bounds, length, pattern or enum refuse more"),
    "constraint-loosened": Rule("info", "a request value's bounds, length, pattern or enum refuse less"),
    "constraint-changed": Rule("warning", "a request value's pattern or multiple changed unrelatedly"),
    "webhook-removed": Rule("info", "a webhook event is no longer listed: `unwrap` gives it as an unknown event"),
    "webhook-added": Rule("info", "a webhook event is new"),
    "model-removed": Rule("info", "a model is gone"),
    "model-renamed": Rule("info", "a model has the same shape under another name"),
    "model-added": Rule("info", "a model is new"),
    "enum-member-removed": Rule("info", "an enum member is gone"),
    "enum-member-added": Rule("info", "an enum member is new"),
    "field-removed": Rule("info", "a model field is gone (the report says whether it was deprecated first)"),
    "field-added": Rule("info", "a model field is new"),
    "field-deprecated": Rule("info", "a model field is newly deprecated"),
    "field-now-optional": Rule("info", "a model field may be missing"),
    "field-now-required": Rule("info", "a model field must be given"),
    "field-now-nullable": Rule("info", "a model field may be None"),
    "field-not-nullable": Rule("info", "a model field may no longer be None"),
    "field-type-narrowed": Rule("info", "a model field holds fewer values"),
    "field-type-widened": Rule("info", "a model field holds more values"),
    "field-type-changed": Rule("info", "a model field holds unrelated values"),
}


@dataclass(frozen=True, order=True)
class Change:
    subject: str  # what changed, as a caller names it: `beta.batch.get_status`, `models.BatchJob.status`
    kind: str  # the rule that reports it: a key of RULES
    message: str  # what happened, in a sentence
    breaking: bool
    addition: bool  # something new (suggests a minor version)
    location: Location

    @property
    def level(self) -> Level:
        return "breaking" if self.breaking else RULES[self.kind].level


def removal(deprecated: bool) -> str:
    """How a removal is told: a caller was warned first, or not."""
    return ", deprecated before" if deprecated else " without prior deprecation"
