"""A synthetic spec of N times a spec, for measuring how stackgen scales.

The copy clones the services, metrics, thresholds, recording rules, alert groups and dashboards N times with
suffixed names; the expressions, thresholds and services they refer to are renamed with them, so every copy
validates and renders like the original.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable
from typing import Any

SERIES = ("", "_bucket", "_sum", "_count")
CLONED = ("services", "metrics", "recording_rules", "alert_groups", "dashboards")


def _renames(doc: dict, copy_no: int) -> dict[str, str]:
    """Every name a cloned section declares -> its name in copy `copy_no`."""
    tag = f"c{copy_no}"
    names: dict[str, str] = {}
    for metric in doc.get("metrics", []):
        for suffix in SERIES:
            names[metric["name"] + suffix] = f"{tag}_{metric['name']}{suffix}"  # prefix keeps _total/_seconds last
    for rule in doc.get("recording_rules", []):
        level, _, rest = rule["record"].partition(":")
        names[rule["record"]] = f"{level}:{tag}_{rest}" if rest else f"{tag}_{level}"
    for name in doc.get("thresholds", {}):
        names[name] = f"{name}_{tag}"
    for service in doc.get("services", []):
        names[service["name"]] = f"{service['name']}-{tag}"
    return names


def _renamer(names: dict[str, str]) -> Callable[[Any], Any]:
    pattern = re.compile(r"(?<![A-Za-z0-9_:-])(" + "|".join(map(re.escape, sorted(names, key=len, reverse=True)))
                         + r")(?![A-Za-z0-9_:-])")

    def rename(value: Any) -> Any:
        if isinstance(value, str):
            return pattern.sub(lambda m: names[m.group(1)], value)
        if isinstance(value, list):
            return [rename(v) for v in value]
        if isinstance(value, dict):
            return {rename(k): rename(v) for k, v in value.items()}
        return value

    return rename


def _suffix_ids(section: str, items: list, copy_no: int) -> None:
    """Names the renamer does not reach (groups, alerts, dashboards) get the copy number too."""
    for item in items:
        if section == "alert_groups":
            item["name"] = f"{item['name']}-c{copy_no}"
            for alert in item["alerts"]:
                alert["name"] = f"{alert['name']}C{copy_no}"
        elif section == "dashboards":
            item["uid"] = f"{item['uid'][:34]}-c{copy_no}"
            item["title"] = f"{item['title']} (copy {copy_no})"
        elif section == "services" and "port" in item:
            item["port"] = 20000 + (item["port"] + copy_no) % 40000


def scale_spec(doc: dict, factor: int) -> dict:
    """`doc` with its services, metrics, thresholds, rules, alerts and dashboards repeated `factor` times."""
    out = copy.deepcopy(doc)
    for copy_no in range(1, factor):
        rename = _renamer(_renames(doc, copy_no))
        for section in CLONED:
            items = rename(copy.deepcopy(doc.get(section, [])))
            _suffix_ids(section, items, copy_no)
            if items:
                out.setdefault(section, []).extend(items)
        out.setdefault("thresholds", {}).update(rename(copy.deepcopy(doc.get("thresholds", {}))))
    return out


def counts(doc: dict) -> dict[str, int]:
    """How many services, metrics, alerts and panels a spec document declares."""
    return {"services": len(doc.get("services", [])), "metrics": len(doc.get("metrics", [])),
            "alerts": sum(len(g["alerts"]) for g in doc.get("alert_groups", [])),
            "panels": sum(len(r["panels"]) for d in doc.get("dashboards", []) for r in d["rows"])}
