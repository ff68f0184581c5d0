"""Spec v1: service level objectives, which the SLO processor expands into burn-rate rules, alerts and a dashboard.

An SLO names a service, an objective and a window, and one SLI: a ratio of two queries with a `{{ window }}`
placeholder, or the latency form, where an event is good when it lands in a histogram bucket.
"""

from typing import Annotated, Literal

from pydantic import Field, Strict, StringConstraints

from stackgen.spec.v1.common import Bool, Format, LabelMap, MetricName, Name, Number, SpecModel, Text, section_defaults

SLOName = Annotated[str, Strict(), StringConstraints(max_length=63, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"),
                    Format("an SLO name: letters, digits, '-', '_' and '.', e.g. api-availability")]
BucketBound = Annotated[str, Strict(), StringConstraints(max_length=40, pattern=r"^(\+Inf|[0-9]*\.?[0-9]+(e[+-]?[0-9]+)?)$"),
                        Format("a bucket bound as the histogram exposes it, quoted: e.g. \"0.5\" or \"+Inf\"")]
Window = Literal["30d", "28d", "7d"]
Severity = Literal["critical", "warning", "info"]


class LatencySLI(SpecModel):
    metric: MetricName = Field(description="The histogram's name, without _bucket or _count.")
    le: BucketBound = Field(description="The bucket a good event lands in: its upper bound, quoted.")
    selector: Text = Field(default="", description="Label matchers without braces, e.g. 'job=\"api\", route=\"/login\"'.")


class SLI(SpecModel):
    """Exactly one of the forms."""

    errors: Text | None = Field(default=None, description="Ratio form: PromQL for the rate of bad events, with "
                                                          "[{{ window }}] as its range.")
    total: Text | None = Field(default=None, description="Ratio form: PromQL for the rate of all events, with "
                                                         "[{{ window }}] as its range.")
    latency: LatencySLI | None = Field(default=None, description="Latency form: good events are those in a "
                                                                 "histogram bucket.")


AlertName = Annotated[str, Strict(), StringConstraints(max_length=100, pattern=r"^[A-Za-z][A-Za-z0-9_]*$"),
                      Format("an alert name: letters, digits and _, starting with a letter (CamelCase)")]


class AlertLevel(SpecModel):
    name: AlertName | None = Field(default=None, description="The alert's name. Defaults to <Service><Name>SLOPage "
                                                             "(or SLOTicket), in CamelCase.")
    labels: LabelMap = Field(default_factory=dict, description="Extra labels on the alert, e.g. a team to route by.")


class PageAlert(AlertLevel):
    severity: Severity = Field(default="critical", description="The page alert's severity; routing reads it.")


class TicketAlert(AlertLevel):
    severity: Severity = Field(default="warning", description="The ticket alert's severity; routing reads it.")


class SLOAlerting(SpecModel):
    enabled: Bool = Field(default=True, description="Whether the SLO alerts at all; its rules are recorded anyway.")
    page: PageAlert = Field(default_factory=section_defaults(PageAlert),
                            description="The fast-burn alert (14.4x over 1h, 6x over 6h at 30d): someone acts now.")
    ticket: TicketAlert = Field(default_factory=section_defaults(TicketAlert),
                                description="The slow-burn alert (3x over 1d, 1x over 3d at 30d): fix it this week.")
    tests: Bool = Field(default=True, description="Generate promtool cases for the page and ticket alerts.")


class SLO(SpecModel):
    service: Name = Field(description="The service the objective is about.")
    name: SLOName = Field(description="The objective's name, unique within its service.")
    description: Text = Field(default="", description="What the objective promises, in a sentence, for the guide.")
    objective: Number = Field(description="The share of good events promised, in percent, within (0, 100), "
                                          "e.g. 99.9.")
    window: Window = Field(default="30d", description="The rolling window the objective is measured over.")
    labels: LabelMap = Field(default_factory=dict, description="Labels added to the SLO's series and alerts.")
    sli: SLI = Field(description="How good and bad events are counted: errors and total queries, or latency.")
    alerting: SLOAlerting = Field(default_factory=section_defaults(SLOAlerting), description="Page and ticket alerts.")
