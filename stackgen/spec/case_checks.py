"""Alert test cases whose expected alert cannot be derived, refused at the case's line when the spec loads.

Expected annotations are executed from the alert's templates (`render/alert_template`); a template that needs
a live Prometheus (`query`, `first`, ...) has no static result, so the case must state the text itself.
Without this check `validate` passed such a spec and `generate` then failed without naming a line.
"""

from __future__ import annotations

from stackgen.errors import SpecIssue
from stackgen.model import Spec
from stackgen.spec.v1.document import SpecV1
from stackgen.spec.yamlsource import Source


def check_cases(source: Source, typed: SpecV1, spec: Spec) -> list[SpecIssue]:
    # Imported here: rendering expected alerts is the renderer's job; this only locates what it refuses.
    from stackgen.render.alert_tests import unrenderable_cases

    issues = []
    for alert, case, exc in unrenderable_cases(spec):
        for gi, group in enumerate(typed.alert_groups):
            for ai, written in enumerate(group.alerts):
                if (written.name, written.severity, group.name) != (alert.name, alert.severity, alert.group):
                    continue
                ti = next(i for i, t in enumerate(alert.tests) if t is case)
                path = ("alert_groups", gi, "alerts", ai, "tests", ti)
                label = exc.annotation.removeprefix("labels.")
                hint = (f"give the case 'exact_labels: true' and its whole label set, {label!r} included"
                        if label != exc.annotation else
                        f"write the text it renders to under the case's 'annotations: {{{exc.annotation}: ...}}'")
                issues.append(source.issue(path, f"the expected {exc.annotation!r} cannot be derived: {exc.reason}",
                                           hint))
    return issues

