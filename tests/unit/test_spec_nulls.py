"""A key written with no value (YAML's null) is refused as the field it fills, beside every other problem.

The null check runs once per mapping and hands only a mapping that holds a null to a twin of its model that
checks each field; these cases pin what a person sees whichever way the check is made: every null named,
the other problems of the same mapping still reported, a null under an unknown key reported as unknown.
"""

from __future__ import annotations

import pytest
from conftest import ROOT

from stackgen.errors import SpecError
from stackgen.spec.loader import check_source
from stackgen.spec.v1 import common
from stackgen.spec.yamlsource import parse_yaml

PATRONUS = (ROOT / "stackgen" / "specs" / "patronus.yaml").read_text()
NULL_HINT = ("YAML reads an empty value, and one starting with # (a comment), as null: write the value, in quotes "
             "if it starts with #, e.g. \"#alerts\"")


def issues_of(old: str, new: str) -> list[str]:
    assert PATRONUS.count(old) == 1
    with pytest.raises(SpecError) as caught:
        check_source(parse_yaml(PATRONUS.replace(old, new).encode(), "patronus.yaml"))
    return [f"{i.path}: {i.message}" + (f" ({i.hint})" if i.hint else "") for i in caught.value.issues]


def test_every_null_of_a_mapping_is_named_with_the_other_problems_of_that_mapping() -> None:
    old = "    title: Patronus dashboard\n    description: Web UI and API of the SD-WAN controller.\n    port: 8443\n"
    new = "    title:\n    description: Web UI and API of the SD-WAN controller.\n    port:\n    scheme: gopher\n"
    assert issues_of(old, new) == [
        f"services[dashboard].title: expected a string, got None ({NULL_HINT})",
        f"services[dashboard].port: expected a whole number, got None ({NULL_HINT})",
        "services[dashboard].scheme: 'gopher' is not one of: http, https",
    ]


def test_a_null_under_an_unknown_key_is_an_unknown_key() -> None:
    [issue] = issues_of("    port: 8443\n", "    port: 8443\n    prot:\n")
    assert issue.startswith("services[dashboard].prot: unknown key 'prot'")


def test_a_null_in_a_list_of_mappings_is_named_at_its_item() -> None:
    [issue] = issues_of("        for: 30m\n", "        for:\n")
    assert issue.startswith("alert_groups[authentication].alerts[NoActiveUsers].for: expected a string, got None")


def test_a_spec_without_a_null_never_builds_the_null_checking_twin() -> None:
    common._null_checking.cache_clear()
    check_source(parse_yaml(PATRONUS.encode(), "patronus.yaml"))
    assert common._null_checking.cache_info().currsize == 0
