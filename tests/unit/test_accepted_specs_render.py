"""What `validate` accepts, `generate` renders for every target: no spec the checks let through crashes a renderer.

Each case is the default spec with one unusual but valid edit, as a person new to stackgen might write it.
A renderer that meets a value the checks allow but it never expected would fail with a traceback after
`validate` said ok; these cases pin that such values are carried through.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from conftest import EMBEDDED_SPEC

PATRONUS = EMBEDDED_SPEC.read_text()
TARGETS = ("compose", "local", "kubernetes")


@dataclass(frozen=True)
class Case:
    id: str
    old: str  # text of the default spec to replace (exactly once) ...
    new: str  # ... with this
    expected: tuple[tuple[str, str], ...]  # (a file the compose target writes, text it must hold)


CASES = [
    Case("a route that names no receiver sends to its parent's, and every output names that one",
         '    - matchers: [severity="info"]\n      receivers: [email-info]\n',
         '    - matchers: [severity="info"]\n',
         (("alertmanager/config.yml", '    - receiver: slack-warning\n      matchers:\n        - severity="info"\n'),
          ("docs/MONITORING.md", '- `severity="info"` → **slack-warning**'))),
]


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_an_accepted_spec_renders_for_every_target(case: Case, cli, tmp_path) -> None:
    assert PATRONUS.count(case.old) == 1, f"{case.id}: the edit must match the default spec exactly once"
    spec = tmp_path / "patronus.yaml"
    spec.write_text(PATRONUS.replace(case.old, case.new))
    assert cli("validate", spec).exit_code == 0
    for target in TARGETS:
        out = tmp_path / target / "generated"
        result = cli("generate", spec, "--target", target, "--out", out)
        assert result.exit_code == 0, result.output
    for file, text in case.expected:
        assert text in (tmp_path / "compose" / "generated" / file).read_text(), file
