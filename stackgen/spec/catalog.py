"""Metrics that exist without being declared: Prometheus' own per-target series and well-known exporters."""

from __future__ import annotations

# Written by Prometheus for every scrape target, and by the rule manager.
PROMETHEUS_SYNTHETIC = frozenset({
    "up", "scrape_duration_seconds", "scrape_samples_scraped", "scrape_samples_post_metric_relabeling",
    "scrape_series_added", "ALERTS", "ALERTS_FOR_STATE",
})

# The node-exporter series a spec is likely to use; a name outside this list must be declared.
NODE_EXPORTER = frozenset({
    "node_boot_time_seconds", "node_time_seconds", "node_load1", "node_load5", "node_load15",
    "node_cpu_seconds_total", "node_context_switches_total", "node_intr_total", "node_forks_total",
    "node_procs_running", "node_procs_blocked",
    "node_memory_MemTotal_bytes", "node_memory_MemFree_bytes", "node_memory_MemAvailable_bytes",
    "node_memory_Buffers_bytes", "node_memory_Cached_bytes", "node_memory_SwapTotal_bytes",
    "node_memory_SwapFree_bytes",
    "node_filesystem_size_bytes", "node_filesystem_avail_bytes", "node_filesystem_free_bytes",
    "node_filesystem_files", "node_filesystem_files_free", "node_filesystem_readonly",
    "node_disk_read_bytes_total", "node_disk_written_bytes_total", "node_disk_io_time_seconds_total",
    "node_disk_reads_completed_total", "node_disk_writes_completed_total",
    "node_network_receive_bytes_total", "node_network_transmit_bytes_total",
    "node_network_receive_errs_total", "node_network_transmit_errs_total",
    "node_network_receive_drop_total", "node_network_transmit_drop_total", "node_network_up",
    "node_uname_info", "node_os_info", "node_exporter_build_info",
    "node_timex_offset_seconds", "node_timex_sync_status", "node_entropy_available_bits",
    "node_pressure_cpu_waiting_seconds_total", "node_pressure_memory_waiting_seconds_total",
    "node_pressure_io_waiting_seconds_total",
})

EXPORTER_METRICS = {"node": NODE_EXPORTER}

# Default container images of the compose stack. Prometheus stays on the 2.x LTS line so the
# promtool shipped by Debian (2.42) checks the rendered config faithfully.
DEFAULT_IMAGES = {
    "prometheus": "prom/prometheus:v2.53.4",
    "alertmanager": "prom/alertmanager:v0.25.0",
    "grafana": "grafana/grafana:11.3.0",
    "node_exporter": "prom/node-exporter:v1.8.2",
}
