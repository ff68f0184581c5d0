"""An Alertmanager config imported into a spec routes every alert as the original did, judged by amtool.

The fixture has nested routes, legacy `match:`/`match_re:`, `continue`, time intervals, inhibit rules and
literal secrets; `amtool config routes test` must name the same receivers for each case before and after.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

FIXTURES = Path(__file__).parent.parent / "fixtures" / "import"
CASES = yaml.safe_load((FIXTURES / "alertmanager.routes.yaml").read_text())


def _receivers(config: Path, labels: dict[str, str]) -> str:
    assert shutil.which("amtool"), "amtool is required"
    result = subprocess.run(["amtool", "config", "routes", "test", f"--config.file={config}",
                             *(f"{k}={v}" for k, v in labels.items())], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory, cli=None) -> tuple[Path, str]:
    from typer.testing import CliRunner

    from stackgen.cli.app import app

    work = tmp_path_factory.mktemp("am")
    runner = CliRunner()
    result = runner.invoke(app, ["import", "alertmanager", str(FIXTURES / "alertmanager.yml"),
                                 "--out", str(work / "spec.yaml")])
    assert result.exit_code == 0, result.output
    generated = runner.invoke(app, ["generate", str(work / "spec.yaml"), "--out", str(work / "out")])
    assert generated.exit_code == 0, generated.output
    return work, result.output


@pytest.mark.parametrize("labels", CASES, ids=lambda labels: ",".join(f"{k}={v}" for k, v in labels.items()))
def test_every_case_reaches_the_same_receivers(labels: dict[str, str], imported: tuple[Path, str]) -> None:
    rendered = imported[0] / "out" / "alertmanager" / "config.yml"
    assert _receivers(rendered, labels) == _receivers(FIXTURES / "alertmanager.yml", labels)


def test_no_literal_secret_reaches_the_spec_and_the_report_names_the_files(imported: tuple[Path, str]) -> None:
    spec = (imported[0] / "spec.yaml").read_text()
    for secret in ("not-a-real-password", "0123456789abcdef0123456789abcdef", "XXXXXXXXXXXXXXXX"):
        assert secret not in spec
    assert ("receiver oncall-pager: the secret 'routing_key' is not copied into the spec; create the file "
            "/etc/alertmanager/secrets/oncall-pager-routing-key holding it") in imported[1]
    assert "alertmanager.yml:8: 'templates'" in imported[1]
    assert "alertmanager.yml:2: global setting 'resolve_timeout'" in imported[1]
