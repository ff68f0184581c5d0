"""Spec v1: who is told about an alert: receivers, the route tree, inhibition, and routing test cases."""

from typing import Any

from pydantic import Field

from stackgen.spec.v1.common import (
    Bool,
    Duration,
    Int,
    LabelMap,
    LabelName,
    Matcher,
    Name,
    SpecModel,
    Text,
    field_values,
)

INTERVALS = "Names of routing.time_intervals."
MATCHERS = "Alertmanager matchers: label=value, label!=value, label=~\"regex\" or label!~\"regex\"."


class Slack(SpecModel):
    api_url_file: Text | None = Field(default=None, description="Absolute path of the file that holds the webhook URL.")
    api_url: Text | None = Field(default=None, description="Refused: a webhook URL is a secret; use api_url_file.")
    channel: Text = Field(description="The channel to post to, e.g. '#alerts'.")
    title: Text | None = Field(default=None, description="Message title; an Alertmanager template.")
    text: Text | None = Field(default=None, description="Message body; an Alertmanager template.")
    send_resolved: Bool | None = Field(default=None, description="Whether to post when the alert resolves.")


class Email(SpecModel):
    to: Text = Field(description="The address to mail.")
    from_: Text | None = Field(default=None, alias="from", description="The sender address.")
    smarthost: Text | None = Field(default=None, description="The SMTP server as host:port.")
    auth_username: Text | None = Field(default=None, description="The SMTP login.")
    auth_password_file: Text | None = Field(default=None, description="Absolute path of the file that holds the SMTP password.")
    auth_password: Text | None = Field(default=None, description="Refused: a password is a secret; use auth_password_file.")
    require_tls: Bool | None = Field(default=None, description="Whether to insist on STARTTLS.")
    send_resolved: Bool | None = Field(default=None, description="Whether to mail when the alert resolves.")


class PagerDuty(SpecModel):
    routing_key_file: Text | None = Field(default=None, description="Absolute path of the file that holds the routing key.")
    routing_key: Text | None = Field(default=None, description="Refused: a routing key is a secret; use routing_key_file.")
    severity: Text | None = Field(default=None, description="The PagerDuty severity; an Alertmanager template.")
    send_resolved: Bool | None = Field(default=None, description="Whether to resolve the incident when the alert resolves.")


class Webhook(SpecModel):
    url: Text = Field(description="The URL Alertmanager posts to; it must not carry credentials.")
    send_resolved: Bool | None = Field(default=None, description="Whether to post when the alert resolves.")
    max_alerts: Int | None = Field(default=None, description="The most alerts in one post; 0 for no limit.")


RECEIVER_KINDS = ("slack", "email", "pagerduty", "webhook")


class Receiver(SpecModel):
    name: Name = Field(description="The receiver's name, as routes refer to it.")
    slack: Slack | None = Field(default=None, description="Post to a Slack channel.")
    email: Email | None = Field(default=None, description="Send an email.")
    pagerduty: PagerDuty | None = Field(default=None, description="Open a PagerDuty incident.")
    webhook: Webhook | None = Field(default=None, description="Post to a webhook.")

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds this receiver declares: one, or none for a receiver that drops what it gets."""
        return tuple(kind for kind in RECEIVER_KINDS if getattr(self, kind) is not None)

    @property
    def kind(self) -> str:
        return self.kinds[0] if self.kinds else "null"

    @property
    def config(self) -> dict[str, Any]:
        """The settings of its kind, as written in the spec."""
        settings = getattr(self, self.kind, None) if self.kinds else None
        return field_values(settings, by_alias=True, exclude_unset=True) if settings else {}


class Route(SpecModel):
    matchers: tuple[Matcher, ...] = Field(default=(), description="Which alerts the route takes. " + MATCHERS)
    receiver: Name | None = Field(default=None, description="The receiver it sends to.")
    receivers: tuple[Name, ...] | None = Field(default=None, min_length=1, description="Several receivers it sends to.")
    continue_: Bool = Field(default=False, alias="continue", description="Whether later sibling routes see the alert too.")
    group_by: tuple[Text, ...] | None = Field(default=None, description="Labels that group alerts into one notification.")
    group_wait: Duration | None = Field(default=None, description="How long to wait before the first notification.")
    group_interval: Duration | None = Field(default=None, description="How long to wait before notifying of new alerts.")
    repeat_interval: Duration | None = Field(default=None, description="How long before a notification is sent again.")
    mute_time_intervals: tuple[Name, ...] = Field(default=(), description="When the route sends nothing. " + INTERVALS)
    active_time_intervals: tuple[Name, ...] = Field(default=(), description="When the route sends at all. " + INTERVALS)
    routes: "tuple[Route, ...]" = Field(default=(), description="Child routes, tried in order.")

    @property
    def targets(self) -> tuple[str, ...]:
        """The receivers it sends to, however the spec names them."""
        return self.receivers or ((self.receiver,) if self.receiver else ())


class TimeRange(SpecModel):
    start_time: Text = Field(description="Inclusive start, HH:MM (00:00 to 23:59).")
    end_time: Text = Field(description="Exclusive end, HH:MM (00:01 to 24:00), after the start.")


class TimePeriod(SpecModel):
    """One period, as Alertmanager reads it: every field given must match; a field left out matches all."""

    times: tuple[TimeRange, ...] = Field(default=(), description="Times of day.")
    weekdays: tuple[Text, ...] = Field(default=(), description="Days of the week or ranges, e.g. 'monday:friday'.")
    days_of_month: tuple[Text, ...] = Field(default=(), description="Days of the month or ranges, e.g. '1:5'; "
                                                                     "negative days count from the month's end.")
    months: tuple[Text, ...] = Field(default=(), description="Months by name or number, or ranges, e.g. 'june:august'.")
    years: tuple[Text, ...] = Field(default=(), description="Years or ranges, e.g. '2026:2027'.")
    location: Text | None = Field(default=None, description="The time zone the times are in, e.g. 'Europe/Berlin'. "
                                                             "Defaults to UTC.")


class TimeInterval(SpecModel):
    name: Name = Field(description="The interval's name, as routes refer to it.")
    time_intervals: tuple[TimePeriod, ...] = Field(min_length=1, description="Periods; the interval holds while any "
                                                                             "one of them does.")


class InhibitRule(SpecModel):
    source_matchers: tuple[Matcher, ...] = Field(description="Alerts that mute others. " + MATCHERS)
    target_matchers: tuple[Matcher, ...] = Field(description="Alerts that are muted. " + MATCHERS)
    equal: tuple[LabelName, ...] = Field(default=(), description="Labels whose values must match in source and target.")
    description: Text = Field(default="", description="Why the rule exists, for the guide.")


class RouteTest(SpecModel):
    labels: LabelMap = Field(description="The labels of an alert.")
    receivers: tuple[Name, ...] = Field(min_length=1, description="The receivers it must reach, in order.")
    description: Text = Field(default="", description="A sentence naming the case.")


class Routing(SpecModel):
    receiver: Name = Field(description="The receiver of alerts no route takes.")
    group_by: tuple[Text, ...] = Field(default=("alertname", "service"), description="Labels that group alerts into one "
                                                                             "notification.")
    group_wait: Duration = Field(default="30s", description="How long to wait before the first notification of a group.")
    group_interval: Duration = Field(default="5m", description="How long to wait before notifying of new alerts in a group.")
    repeat_interval: Duration = Field(default="4h", description="How long before a notification is sent again.")
    receivers: tuple[Receiver, ...] = Field(min_length=1, description="Where notifications go.")
    routes: "tuple[Route, ...]" = Field(default=(), description="Routes, tried in order.")
    inhibit_rules: tuple[InhibitRule, ...] = Field(default=(), description="Alerts that mute other alerts while they fire.")
    time_intervals: tuple[TimeInterval, ...] = Field(default=(), description="Named times that routes mute or "
                                                                             "activate; muting acts when notifying.")
    tests: tuple[RouteTest, ...] = Field(default=(), description="amtool cases: an alert's labels and where it must go.")
