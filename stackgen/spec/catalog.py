"""Prometheus' own per-target series, and the pinned images of the stack.

The exporters' metrics are in the exporter catalog (`stackgen.spec.exporter_catalog`).
"""

from __future__ import annotations

# Written by Prometheus for every scrape target, and by the rule manager.
PROMETHEUS_SYNTHETIC = frozenset({
    "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
    "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE",
})

# Default container images of the compose stack: supported, patched releases, pinned by tag and by the
# digest of the multi-arch index, so every host pulls the same bytes. The one place they are written:
# the README's "Images" table and the tests read them from here. The rendered configuration stays in the
# subset that these releases and the locally installed promtool/amtool (2.42/0.25) both accept.
DEFAULT_IMAGES = {
    # 3.13 is the LTS line, supported to 2027-07-31.
    "prometheus": "prom/prometheus:v3.13.4"
                  "@sha256:87861b8cf91579109319ebc300f3f1060e6da9c05d6ae8ad15a20c879e84e32e",
    "alertmanager": "prom/alertmanager:v0.34.1"
                    "@sha256:e9733bafb1bdef9b00e25a21f8f99dc26a22224bf16641ad754d1649f4c3357a",
    # 12.4 is Grafana's extended-support 12.x line, supported to 2027-05-24.
    "grafana": "grafana/grafana:12.4.11"
               "@sha256:3ea272e5cab64a4a62240c682e2c62433b25614d956d44c299a10cb6994f6f2e",
    "node_exporter": "prom/node-exporter:v1.12.1"
                     "@sha256:1b4e4438faca4dd7e001dd445d161a4a2091b0fededa84093b3a8dfeae1f1be0",
}

# The base of the demo service's image, built locally from the Dockerfile generate writes: by tag, so
# the build picks up the slim image's security updates.
DEMO_BASE_IMAGE = "python:3.12-slim-bookworm"
