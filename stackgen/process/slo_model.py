"""What an SLO states, and the multiwindow, multi-burn-rate arithmetic every SLO output shares.

The rules, the alerts, their tests and the dashboard all read the same windows and factors from here, so a
change of window or factor cannot leave one of them behind.
"""

from __future__ import annotations

import re
from dataclasses import field

from stackgen.frozen import Frozen
from stackgen.process.fast import seconds

SLO_PERIODS = ("30d", "28d", "7d")  # the SLO windows stackgen knows burn-rate factors for
REFERENCE_PERIOD = "30d"  # the SRE workbook states its factors (14.4, 6, 3, 1) for this period
WINDOW_PLACEHOLDER = re.compile(r"\{\{\s*window\s*\}\}")
SLI_RECORD = "slo:sli_error:ratio_rate{window}"
ID_LABELS = ("sloth_id", "sloth_service", "sloth_slo")
WINDOW_LABEL = "sloth_window"
SEVERITY_LABEL = "sloth_severity"


class BurnWindow(Frozen):
    """One condition of a multiwindow alert: the long window spends `budget_percent` of the period's error
    budget; the short window (1/12 of the long one) stops the alert soon after the errors stop."""

    short: str
    long: str
    budget_percent: float

    def factor(self, period: str) -> float:
        """The burn rate that spends `budget_percent` of the budget of `period` within the long window.

        factor = budget_percent / 100 * period / long. For 30d: 2% in 1h -> 14.4, 5% in 6h -> 6,
        10% in 1d -> 3, 10% in 3d -> 1; for any other period P the same budget share gives factor_30d * P / 30d.
        """
        return self.budget_percent / 100 * seconds(period) / seconds(self.long)


PAGE_WINDOWS = (BurnWindow("5m", "1h", 2), BurnWindow("30m", "6h", 5))
TICKET_WINDOWS = (BurnWindow("2h", "1d", 10), BurnWindow("6h", "3d", 10))
SLI_WINDOWS = ("5m", "30m", "1h", "2h", "6h", "1d", "3d")  # every window the alerts read, shortest first


class RatioSLI(Frozen):
    """Errors over total: two PromQL queries with a `{{ window }}` placeholder for the range."""

    errors: str
    total: str


class BucketSLI(Frozen):
    """Latency: an event is good when it lands in the histogram bucket `le` (written as it is exposed)."""

    metric: str  # the histogram's base name, without _bucket or _count
    le: str
    selector: str = ""  # label matchers without braces, e.g. 'job="api", route="/login"'


class SLOAlerting(Frozen):
    enabled: bool = True
    page_severity: str = "critical"
    ticket_severity: str = "warning"
    page_labels: dict[str, str] = field(default_factory=dict)
    ticket_labels: dict[str, str] = field(default_factory=dict)
    page_name: str | None = None  # None: <Service><Name>SLOPage
    ticket_name: str | None = None  # None: <Service><Name>SLOTicket
    tests: bool = True  # generate the page/ticket alert test cases


class SLO(Frozen):
    service: str
    name: str
    objective: float  # percent, within (0, 100)
    sli: RatioSLI | BucketSLI
    window: str = "30d"
    description: str = ""
    labels: dict[str, str] = field(default_factory=dict)
    alerting: SLOAlerting = field(default_factory=SLOAlerting)

    @property
    def id(self) -> str:
        return f"{self.service}-{self.name}"

    @property
    def objective_ratio(self) -> float:
        return round(self.objective / 100, 12)  # 99.9 -> 0.999, not 0.9990000000000001

    @property
    def error_budget(self) -> float:
        return round(1 - self.objective_ratio, 12)

    @property
    def id_labels(self) -> dict[str, str]:
        return {"sloth_id": self.id, "sloth_service": self.service, "sloth_slo": self.name}

    @property
    def selector(self) -> str:
        """Matchers that pick this SLO's recorded series out of every SLO's."""
        return "{" + ", ".join(f'{k}="{v}"' for k, v in self.id_labels.items()) + "}"

    @property
    def camel(self) -> str:
        return "".join(part[:1].upper() + part[1:] for part in re.split(r"[^A-Za-z0-9]+", self.id) if part)

    @property
    def page_name(self) -> str:
        return self.alerting.page_name or f"{self.camel}SLOPage"

    @property
    def ticket_name(self) -> str:
        return self.alerting.ticket_name or f"{self.camel}SLOTicket"

    def sli_record(self, window: str) -> str:
        return SLI_RECORD.format(window=window)

    def factor_scale(self) -> float:
        """How this SLO's burn-rate factors compare with the 30d ones (1 for 30d, 28/30 for 28d, 7/30 for 7d)."""
        return seconds(self.window) / seconds(REFERENCE_PERIOD)


def number(value: float) -> str:
    """A float as PromQL and people read it: 14.4, 6, 0.001, 0.9333333333."""
    return format(value, ".10g")
