"""Spec v1: Grafana dashboards: variables, rows of panels, their queries and threshold colours."""

from typing import Annotated, Any, Literal

from pydantic import Field, PlainValidator, Strict, StringConstraints, WithJsonSchema, model_validator
from pydantic_core import PydanticCustomError

from stackgen.spec.v1.common import (
    NAME_PATTERN,
    Bool,
    Duration,
    Format,
    Int,
    LabelName,
    Number,
    SpecModel,
    Text,
    derived,
    section_defaults,
)

PanelType = Literal["timeseries", "stat", "gauge", "heatmap", "table", "bargauge"]
QueryFormat = Literal["time_series", "heatmap", "table"]
QUERY_FORMATS: dict[str, QueryFormat] = {"heatmap": "heatmap", "table": "table"}  # a panel type's natural format
Uid = Annotated[str, Strict(), StringConstraints(pattern=r"^[a-zA-Z0-9_-]{1,40}$"),
                Format("a dashboard uid: 1 to 40 letters, digits, _ and -")]
GrafanaUnit = Annotated[str, Strict(), StringConstraints(max_length=100),
                        Format("a Grafana unit id (s, ms, bytes, percentunit, reqps, short...) or suffix:<text>")]
STEP_VALUE = "a number, or the name of a spec threshold"


def _step_value(value: Any) -> int | float | str:
    if isinstance(value, str):
        if len(value) > 63 or not NAME_PATTERN.match(value):
            raise PydanticCustomError("string_pattern_mismatch", "not a number or a threshold name")
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return value
    raise PydanticCustomError("number_or_name", "expected a number or the name of a spec threshold")


StepValue = Annotated[int | float | str, PlainValidator(_step_value), Format(STEP_VALUE), WithJsonSchema(
    {"anyOf": [{"type": "number"}, {"type": "string", "pattern": NAME_PATTERN.pattern, "maxLength": 63}]})]


class Query(SpecModel):
    expr: Text = Field(description="The PromQL; may use dashboard variables and {{ thresholds.<name> }}.")
    legend: Text = Field(default="", description="The series' legend, e.g. '{{ instance }}'.")
    instant: Bool = Field(default=False, description="Whether to query only the latest value.")
    format: QueryFormat = derived("time_series", "How Grafana reads the result. Defaults from the panel type: "
                                                 "heatmap and table panels read their own format, others time_series.")


class PanelThreshold(SpecModel):
    value: StepValue | None = Field(default=None, description="Where the colour starts: " + STEP_VALUE + ". Only the "
                                                          "first step may leave it out: it is the base colour.")
    color: Text = Field(description="A Grafana colour name (green, orange, red...) or #rrggbb.")


class Panel(SpecModel):
    title: Text = Field(description="The panel's title, unique in its dashboard.")
    type: PanelType = Field(description="The Grafana panel type.")
    description: Text = Field(default="", description="Shown in the panel's info tooltip.")
    unit: GrafanaUnit = Field(default="short", description="The unit Grafana formats values in.")
    width: Int = Field(default=12, ge=1, le=24, description="Width in grid columns, 1 to 24.")
    height: Int = Field(default=8, ge=2, le=40, description="Height in grid rows.")
    decimals: Int | None = Field(default=None, description="Decimals shown.")
    min: Number | None = Field(default=None, description="The axis or gauge minimum.")
    max: Number | None = Field(default=None, description="The axis or gauge maximum.")
    stack: Bool = Field(default=False, description="Whether series are stacked.")
    queries: tuple[Query, ...] = Field(min_length=1, description="The queries it plots.")
    thresholds: tuple[PanelThreshold, ...] = Field(default=(), description="Colour steps, lowest value first.")
    empty_when_healthy: Bool = Field(default=False, description="Whether some or all of the panel's queries (errors, "
                                     "failures) show nothing on a healthy system; `stackgen verify` then does "
                                     "not expect data from them.")

    @model_validator(mode="before")
    @classmethod
    def _query_format(cls, data: Any) -> Any:
        queries = data.get("queries") if isinstance(data, dict) else None
        if not isinstance(queries, list):
            return data
        natural = QUERY_FORMATS.get(str(data.get("type")), "time_series")
        return {**data, "queries": [{**q, "format": natural} if isinstance(q, dict) and "format" not in q else q
                                    for q in queries]}


VariableType = Literal["query", "custom", "datasource"]


class Variable(SpecModel):
    """A template variable: `query` lists label values from Prometheus, `custom` offers fixed values, and
    `datasource` picks the Prometheus data source every panel reads (one per dashboard; without one, stackgen
    adds `$datasource`)."""

    name: LabelName = Field(description="The variable's name, used as $name in queries.")
    type: VariableType = Field(default="query", description="query (values from Prometheus), custom (the values "
                               "listed here) or datasource (which Prometheus data source the panels read).")
    label: Text = Field(default="", description="The label Grafana shows beside it.")
    query: Text = Field(default="", description="For a query variable: label_values(metric, label), "
                                                "label_values(label), label_names() or query_result(expr).")
    values: tuple[Text, ...] = Field(default=(), description="For a custom variable: the values offered, in order. "
                                     "'Text : value' shows Text and uses value, as Grafana reads it.")
    default: Text = Field(default="", description="For a custom variable: the value picked first (the first "
                                                  "value unless given).")
    regex: Text = Field(default="", description="For a query or datasource variable: a Grafana regex (e.g. "
                                                "/prod-.*/) that filters the values or data source names offered.")
    multi: Bool = Field(default=False, description="Whether several values may be picked (not for datasource).")
    include_all: Bool = Field(default=False, description="Whether an 'All' option is offered (not for datasource).")


class Row(SpecModel):
    title: Text | None = Field(default=None, description="The row's title; a row without one must come first.")
    collapsed: Bool = Field(default=False, description="Whether the row starts folded.")
    panels: tuple[Panel, ...] = Field(min_length=1, description="Its panels, laid out left to right.")


class TimeRange(SpecModel):
    from_: Text = Field(default="now-6h", alias="from", description="Start of the default time range, e.g. now-6h.")
    to: Text = Field(default="now", description="End of the default time range, e.g. now.")


class Dashboard(SpecModel):
    uid: Uid = Field(description="The dashboard's uid: its address in Grafana; keep it stable.")
    title: Text = Field(description="The dashboard's title, unique in the spec.")
    description: Text = Field(default="", description="What the dashboard is for.")
    tags: tuple[Text, ...] = Field(default=(), description="Grafana tags.")
    refresh: Duration = Field(default="30s", description="How often it refreshes.")
    time: TimeRange = Field(default_factory=section_defaults(TimeRange), description="The default time range.")
    variables: tuple[Variable, ...] = Field(default=(), description="Template variables, in order.")
    rows: tuple[Row, ...] = Field(min_length=1, description="Rows of panels, top to bottom.")
