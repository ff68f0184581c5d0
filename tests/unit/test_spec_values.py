"""The spec's shortcuts past pydantic's per-model machinery give what pydantic itself gives.

`section_defaults` makes a left-out section without building its model's validator, and `field_values` dumps a
section without building its serializer; both must equal `Model()` and `model_dump(...)` exactly, for every
section of every example spec, or the output would change.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import SPECS
from pydantic import BaseModel, model_validator

from stackgen.spec.loader import check_typed, read_source
from stackgen.spec.v1 import document, kubernetes, remote, routing, services, slos
from stackgen.spec.v1.common import SpecModel, field_values, holds_model, section_defaults

DEFAULTED = [document.Retention, document.Settings, document.StackPorts, document.StackImages, document.Stack,
             kubernetes.KubernetesSettings, services.Health, remote.QueueConfig, slos.PageAlert, slos.TicketAlert,
             slos.SLOAlerting]
DUMPS = [{}, {"exclude_none": True}, {"by_alias": True, "exclude_unset": True}]


@pytest.mark.parametrize("model", DEFAULTED, ids=lambda m: m.__name__)
def test_a_left_out_section_is_what_the_model_makes_with_no_input(model: type[SpecModel]) -> None:
    made, expected = section_defaults(model)(), model()
    assert made == expected
    assert repr(made) == repr(expected) and made.model_fields_set == expected.model_fields_set == set()


def test_a_model_with_a_validator_of_its_own_cannot_be_defaulted_past_it() -> None:
    class Derived(SpecModel):
        name: str = "x"

        @model_validator(mode="before")
        @classmethod
        def _derive(cls, data: Any) -> Any:
            return data

    with pytest.raises(TypeError, match="Derived has validators"):
        section_defaults(Derived)


def _plain_sections(value: Any) -> list[BaseModel]:
    """Every section in a typed spec whose fields hold no model: what `field_values` may dump."""
    if isinstance(value, (tuple, list)):
        return [found for item in value for found in _plain_sections(item)]
    if isinstance(value, dict):
        return _plain_sections(list(value.values()))
    if not isinstance(value, BaseModel):
        return []
    children = [getattr(value, name) for name in type(value).model_fields]
    return _plain_sections(children) if holds_model(children) else [value]


@pytest.mark.parametrize("spec", SPECS, ids=lambda p: p.name)
def test_the_values_of_a_section_are_its_model_dump(spec: Any) -> None:
    sections = _plain_sections(check_typed(read_source(spec)))
    kinds = {type(s) for s in sections}
    assert {services.Health, document.StackPorts, kubernetes.KubernetesSettings} <= kinds
    for section in sections:
        for options in DUMPS:
            assert field_values(section, **options) == section.model_dump(**options), (type(section), options)
    receivers = [s for s in sections if isinstance(s, (routing.Slack, routing.Email, routing.PagerDuty))]
    for receiver in receivers:
        assert list(field_values(receiver, by_alias=True)) == list(receiver.model_dump(by_alias=True))


def test_a_section_that_holds_a_model_is_left_to_model_dump() -> None:
    with pytest.raises(TypeError, match=r"Stack\.ports holds a model"):
        field_values(document.Stack())
    with pytest.raises(TypeError, match=r"AlertGroup\.alerts holds a model"):  # a tuple of them
        field_values(check_typed(read_source(None)).alert_groups[0])
