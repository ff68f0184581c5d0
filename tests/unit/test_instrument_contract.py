"""`assert_metrics_contract`: an app must expose every metric its spec's rules and panels read, as declared."""

from __future__ import annotations

import http.server

import pytest
from support.http_server import serving

from stackgen.instrument import ContractError, assert_metrics_contract, metrics_from_spec
from stackgen.instrument.contract import used_metrics
from stackgen.instrument.specfile import load_service_spec
from tests.conftest import ROOT

TASKQ = ROOT / "specs" / "taskq.yaml"
# The api service's metrics that taskq's rules and panels read, as a correct app exposes them.
GOOD = """\
# TYPE http_requests_total counter
http_requests_total{method="GET",route="/jobs",status="200"} 1
# TYPE jobs_enqueued_total counter
jobs_enqueued_total{queue="email"} 1
# TYPE queue_depth gauge
queue_depth{queue="email"} 3
# TYPE queue_oldest_job_age_seconds gauge
queue_oldest_job_age_seconds{queue="email"} 12
"""


def test_the_metrics_a_service_must_expose_are_those_its_spec_reads():
    used = {d.metric.name: readers for d, readers in used_metrics(load_service_spec(TASKQ, "api"))}
    assert used == {
        "http_requests_total": ["panel 'API request rate'"],
        "jobs_enqueued_total": ["panel 'Jobs enqueued and finished'"],
        "queue_depth": ["alert QueueBacklog (warning)", "panel 'Queue depth'"],
        "queue_oldest_job_age_seconds": ["alert StaleJobs (warning)", "panel 'Oldest waiting job'"],
    }


def test_an_app_exposing_what_the_spec_reads_keeps_the_contract():
    assert_metrics_contract(TASKQ, "api", exposition=GOOD)


def test_metrics_built_from_the_spec_keep_the_contract_before_any_series_exists():
    assert_metrics_contract(TASKQ, "api", registry=metrics_from_spec(TASKQ, "api").registry)


BROKEN = [
    ("a metric left out", GOOD.replace('jobs_enqueued_total{queue="email"} 1\n', "").replace(
        "# TYPE jobs_enqueued_total counter\n", ""),
     f"jobs_enqueued_total: missing (counter declared at {TASKQ}:80, read by panel 'Jobs enqueued and finished')"),
    ("a gauge exposed as a counter", GOOD.replace("# TYPE queue_depth gauge\nqueue_depth",
                                                  "# TYPE queue_depth_total counter\nqueue_depth_total"),
     f"queue_depth: missing (gauge declared at {TASKQ}:86, read by alert QueueBacklog (warning), panel 'Queue depth')"),
    ("a counter exposed as a gauge", GOOD.replace("# TYPE jobs_enqueued_total counter", "# TYPE jobs_enqueued_total gauge"),
     f"jobs_enqueued_total: exposed as a gauge, declared a counter at {TASKQ}:80"),
    ("a label renamed", GOOD.replace('queue_depth{queue="email"}', 'queue_depth{queue_name="email"}'),
     f"queue_depth: labels {{queue_name}}, declared {{queue}} at {TASKQ}:86 "
     "(read by alert QueueBacklog (warning), panel 'Queue depth')"),
    ("a label added", GOOD.replace('route="/jobs",', 'route="/jobs",path="/jobs/1",'),
     f"http_requests_total: labels {{method, path, route, status}}, declared {{method, route, status}} at {TASKQ}:67 "
     "(read by panel 'API request rate')"),
]


@pytest.mark.parametrize("name, exposition, problem", BROKEN, ids=[b[0] for b in BROKEN])
def test_an_app_breaking_the_contract_fails_with_the_problem_named(name, exposition, problem):
    with pytest.raises(ContractError) as failure:
        assert_metrics_contract(TASKQ, "api", exposition=exposition)
    assert str(failure.value) == f"the metrics of service 'api' break the contract of {TASKQ} (1 problem):\n  - {problem}"


def test_every_problem_is_listed_at_once():
    with pytest.raises(AssertionError) as failure:
        assert_metrics_contract(TASKQ, "api", exposition="")
    lines = str(failure.value).splitlines()
    assert lines[0] == f"the metrics of service 'api' break the contract of {TASKQ} (4 problems):"
    assert [line.split(":")[0] for line in lines[1:]] == [
        "  - http_requests_total", "  - jobs_enqueued_total", "  - queue_depth", "  - queue_oldest_job_age_seconds"]


def test_a_page_that_is_not_an_exposition_fails_with_a_clear_message():
    with pytest.raises(ContractError) as failure:
        assert_metrics_contract(TASKQ, "api", exposition="# a proxy's error page\n<html>Not Found</html>")
    assert str(failure.value) == ("the metrics are not a Prometheus text exposition: "
                                  "line 2 is not a sample, a comment or # HELP/# TYPE: '<html>Not Found</html>'")


def test_exactly_one_source_of_metrics_is_required():
    with pytest.raises(TypeError, match="give exactly one of exposition=, registry= or url="):
        assert_metrics_contract(TASKQ, "api", exposition=GOOD, url="http://127.0.0.1:1/metrics")


class _Metrics(http.server.BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        body = GOOD.encode()
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


def test_a_running_app_is_scraped_over_loopback():
    with serving(_Metrics) as url:
        assert_metrics_contract(TASKQ, "api", url=f"{url}/metrics")


def test_an_app_that_does_not_answer_fails_naming_the_url():
    server = http.server.HTTPServer(("127.0.0.1", 0), _Metrics)
    url = f"http://127.0.0.1:{server.server_port}/metrics"
    server.server_close()  # the port is now closed: nothing listens
    with pytest.raises(ContractError) as failure:
        assert_metrics_contract(TASKQ, "api", url=url)
    assert str(failure.value) == f"{url}: cannot scrape: <urlopen error [Errno 111] Connection refused>"
