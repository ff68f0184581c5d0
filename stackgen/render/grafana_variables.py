"""A dashboard's template variables: the data source variable every panel reads, then the spec's own.

Every panel, query and query variable reads from a data source variable (Grafana's dashboard linter rules
template-datasource and panel-datasource) that starts on the provisioned data source, so a dashboard imported
into another Grafana works with whichever Prometheus is picked there. The spec may declare that variable
(`type: datasource`) to name, label or filter it; otherwise it is `$datasource`.
"""

from __future__ import annotations

from grafanalib import core as g

from stackgen.model import Dashboard, Variable
from stackgen.render.grafana_provisioning import DATASOURCE_UID

DEFAULT_DATASOURCE = Variable(name="datasource", query="", label="Data source", type="datasource")
DATASOURCE_PLUGIN = "prometheus"  # every query stackgen writes is PromQL


def datasource_variable(dashboard: Dashboard) -> Variable:
    return dashboard.datasource_variable or DEFAULT_DATASOURCE


def datasource_ref(dashboard: Dashboard) -> dict:
    """How a panel, query or variable names the data source: through the data source variable."""
    return {"type": DATASOURCE_PLUGIN, "uid": f"${{{datasource_variable(dashboard).name}}}"}


def render_variables(dashboard: Dashboard) -> list:
    """The templating list: the data source variable first (the others read from it), then the spec's."""
    source = datasource_variable(dashboard)
    ref = datasource_ref(dashboard)
    others = [v for v in dashboard.variables if v is not dashboard.datasource_variable]
    return [_datasource(source), *(_custom(v) if v.type == "custom" else _query(v, ref) for v in others)]


def _datasource(variable: Variable) -> dict:
    """Any Prometheus data source (whose name matches the regex), the provisioned one first."""
    return {"name": variable.name, "label": variable.label or DEFAULT_DATASOURCE.label, "type": "datasource",
            "query": DATASOURCE_PLUGIN, "current": {"selected": False, "text": "Prometheus", "value": DATASOURCE_UID},
            "hide": 0, "includeAll": False, "multi": False, "options": [], "refresh": 1, "regex": variable.regex,
            "skipUrlSync": False}


def _query(variable: Variable, ref: dict) -> g.Template:
    return g.Template(name=variable.name, query=variable.query, label=variable.label or None, dataSource=ref,
                      multi=variable.multi, includeAll=variable.include_all, regex=variable.regex or None,
                      refresh=g.REFRESH_ON_TIME_RANGE_CHANGE, sort=g.SORT_ALPHA_ASC)


def custom_query(values: tuple[str, ...]) -> str:
    """Grafana's custom variable query: values separated by commas, a comma inside a value escaped."""
    return ",".join(v.replace(",", "\\,") for v in values)


def custom_option(value: str) -> tuple[str, str]:
    """(text shown, value used) of one custom value: Grafana reads 'Text : value' as the pair."""
    text, separator, used = value.rpartition(" : ")
    return (text.strip(), used.strip()) if separator else (value, value)


def custom_pick(variable: Variable) -> str:
    """The value a custom variable starts on, as queries receive it: its default, else its first value."""
    return custom_option(variable.default or variable.values[0])[1]


def _custom(variable: Variable) -> g.Template:
    picked = variable.default or variable.values[0]
    options = [{"selected": value == picked, "text": text, "value": used}
               for value in variable.values for text, used in [custom_option(value)]]
    return g.Template(name=variable.name, type="custom", query=custom_query(variable.values), options=options,
                      label=variable.label or None, multi=variable.multi, includeAll=variable.include_all,
                      refresh=g.REFRESH_NEVER, sort=g.SORT_DISABLED)
