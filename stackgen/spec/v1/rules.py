"""Spec v1: thresholds, recording rules and alerts, with the unit-test cases that prove each alert."""

from collections.abc import Iterator
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, Strict, StringConstraints, model_validator
from pydantic_core import PydanticCustomError

from stackgen.spec.v1.common import (
    Bool,
    Duration,
    Format,
    LabelMap,
    MetricName,
    Name,
    Number,
    SpecModel,
    StringMap,
    Text,
    default_from,
    derived,
    section_defaults,
)

Severity = Literal["critical", "warning", "info"]
AlertName = Annotated[str, Strict(), StringConstraints(max_length=100, pattern=r"^[A-Za-z][A-Za-z0-9_]*$"),
                      Format("an alert name: letters, digits and _, starting with a letter (CamelCase)")]
# Prometheus caps neither; real merged rules run past any limit chosen for prose.
Expr = Annotated[str, Strict()]
# Rule files from mixins name groups `node-exporter.rules`; Prometheus takes any name.
GroupName = Annotated[str, Strict(), StringConstraints(max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:/-]*$"),
                      Format("a rule group name: letters, digits, _ . : / and -, starting with a letter or digit")]
Limit = Annotated[int, Strict(), Field(ge=0)]


def _number_or_mapping(schema: dict[str, Any]) -> None:
    mapping = dict(schema)
    schema.clear()
    schema.update(description=mapping.pop("description"), anyOf=[{"type": "number"}, mapping])


class Threshold(SpecModel):
    """A named number; written as the number alone, or as a mapping with a unit and a description."""

    model_config = ConfigDict(json_schema_extra=_number_or_mapping)

    value: Number = Field(description="The number, substituted wherever {{ thresholds.<name> }} appears.")
    unit: Text = Field(default="", description="The unit of the value (seconds, ratio...), for the guide.")
    description: Text = Field(default="", description="What crossing it means, for the guide.")

    @model_validator(mode="before")
    @classmethod
    def _from_number(cls, data: Any) -> Any:
        if isinstance(data, (int, float)) and not isinstance(data, bool):
            return {"value": data}
        if not isinstance(data, dict):
            raise PydanticCustomError("number_or_mapping", "expected a number or a mapping with 'value:'")
        return data


class RecordingRule(SpecModel):
    record: MetricName = Field(description="The series the rule writes, conventionally level:metric:operations.")
    expr: Expr = Field(description="The PromQL it evaluates; may use {{ thresholds.<name> }}.")
    labels: LabelMap = Field(default_factory=dict, description="Labels added to the recorded series; a name may "
                                                               "be recorded again with other labels.")
    description: Text = Field(default="", description="What the recorded series means, for the guide.")


class AlertTest(SpecModel):
    name: Text = derived("", "A sentence naming the case. Defaults to 'case <n>'.")
    series: dict[Text, Text] = Field(min_length=1, description="Input series (a selector) and their values in "
                                                               "promtool's expanding notation, e.g. '0x10 1x20'.")
    at: Duration = Field(description="When to evaluate the alert, from the start of the series.")
    fires: Bool = Field(description="Whether the alert fires at 'at'.")
    labels: LabelMap = Field(default_factory=dict, description="Labels the firing alert must carry, besides its own.")
    annotations: StringMap = Field(default_factory=dict, description="Annotations the firing alert must carry, "
                                                                     "where they differ from the alert's.")
    interval: Duration = Field(default="1m", description="The spacing of the input samples.")
    value: Number | None = Field(default=None, description="The alert's $value at 'at', for annotations that print it.")
    exact_labels: Bool = Field(default=False, description="Whether 'labels' is the firing alert's whole label set "
                               "(nothing derived from the expression or added from the alert); for expressions whose "
                               "labels stackgen cannot derive.")


class Runbook(SpecModel):
    meaning: Text = Field(default="", description="What the alert firing means.")
    causes: tuple[Text, ...] = Field(default=(), description="Likely causes, most likely first.")
    steps: tuple[Text, ...] = Field(default=(), description="What to do, in order.")


class AlertVerify(SpecModel):
    skip: Text = Field(min_length=1, description="Why `stackgen verify` cannot prove the alert live; the reason is "
                                                 "shown in its report.")


class Alert(SpecModel):
    name: AlertName = Field(description="The alert's name, CamelCase; name and labels (severity among them) "
                                        "identify it.")
    expr: Expr = Field(description="The PromQL condition; may use {{ thresholds.<name> }}.")
    for_: Duration | None = Field(default=None, alias="for", description="How long the condition holds before it fires.")
    keep_firing_for: Duration | None = Field(default=None, description="How long it keeps firing after the condition "
                                                                       "clears (Prometheus 2.42 or later).")
    severity: Severity = Field(description="How urgent it is; routing and inhibition read it.")
    service: Name | None = Field(default=None, description="The service it is about; sets the 'service' label.")
    summary: Text = Field(default="", description="One line a person reads first; a Prometheus template. "
                                                  "Left out: the alert has no summary annotation.")
    description: Text = Field(default="", description="More detail; a Prometheus template.")
    runbook_url: Text | None = Field(default=None, description="Its runbook. Defaults to its section of the guide "
                                                               "when settings.runbook_base_url publishes it; else none.")
    threshold: Name | None = Field(default=None, description="The threshold it compares against, for the guide.")
    labels: LabelMap = Field(default_factory=dict, description="Extra labels; severity and service are set by "
                                                               "their own fields.")
    annotations: StringMap = Field(default_factory=dict, description="Extra annotations; Prometheus templates.")
    tests: tuple[AlertTest, ...] = Field(default=(), description="promtool unit-test cases: one that fires, one that does not.")
    runbook: Runbook = Field(default_factory=section_defaults(Runbook), description="The runbook section of the guide.")
    verify: AlertVerify | None = Field(default=None, description="How `stackgen verify` treats the alert: "
                                                                 "{skip: reason} when it cannot be proven live.")

    @model_validator(mode="before")
    @classmethod
    def _case_names(cls, data: Any) -> Any:
        tests = data.get("tests") if isinstance(data, dict) else None
        if not isinstance(tests, list):
            return data
        named = [{**t, "name": f"case {i + 1}"} if isinstance(t, dict) and "name" not in t else t
                 for i, t in enumerate(tests)]
        return {**data, "tests": named}


class AlertGroup(SpecModel):
    name: GroupName = Field(description="The rule group's name.")
    title: Text = derived("", "A human title for the guide. Defaults to the name.")
    interval: Duration | None = Field(default=None, description="Evaluation interval for this group only.")
    limit: Limit | None = Field(default=None, description="The most alerts the group may produce; 0 or left out: "
                                                          "no limit.")
    alerts: tuple[Alert, ...] = Field(min_length=1, description="The alerts of the group.")

    @model_validator(mode="before")
    @classmethod
    def _title(cls, data: Any) -> Any:
        return default_from(data, "title", "name")


class RecordingGroup(SpecModel):
    """Recording rules in a rule group of their own, as rule files written by hand or by a mixin keep them."""

    name: GroupName = Field(description="The rule group's name.")
    interval: Duration | None = Field(default=None, description="Evaluation interval for this group only.")
    limit: Limit | None = Field(default=None, description="The most series the group may record; 0 or left out: "
                                                          "no limit.")
    rules: tuple[RecordingRule, ...] = Field(min_length=1, description="Its recording rules, evaluated in order.")


def recording_rules_at(ungrouped: tuple[RecordingRule, ...], groups: tuple[RecordingGroup, ...]
                       ) -> Iterator[tuple[tuple[str | int, ...], RecordingRule]]:
    """Every recording rule with its spec path, in evaluation order: the ungrouped ones, then each group's."""
    for i, rule in enumerate(ungrouped):
        yield ("recording_rules", i), rule
    for gi, group in enumerate(groups):
        for ri, rule in enumerate(group.rules):
            yield ("recording_groups", gi, "rules", ri), rule
