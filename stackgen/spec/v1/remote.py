"""Spec v1 `settings.remote_write` and `settings.replicas`: long-term storage past one Prometheus, and HA pairs.

A remote-write endpoint is Thanos Receive, Mimir, Cortex or VictoriaMetrics; `backend` decides how a tenant is
sent and which URL path the endpoint takes. Credentials are files only (a spec is committed), as for receivers.
Field names follow prometheus.yml's, so what a user reads in Prometheus' documentation is what they write here.
"""

from typing import Annotated, Literal

from pydantic import Field, Strict, StringConstraints

from stackgen.spec.v1.common import Duration, Format, Int, LabelName, Name, SpecModel, Text, UniqueLabelNames, section_defaults

AbsolutePath = Annotated[str, Strict(), StringConstraints(max_length=4000, pattern=r"^/\S+$"),
                         Format("an absolute file path, e.g. /etc/prometheus/secrets/remote_write_password")]
RemoteUrl = Annotated[str, Strict(), StringConstraints(max_length=4000, pattern=r"^https?://[^\s/]+(/\S*)?$"),
                      Format("an http(s) URL, e.g. https://mimir.example.com/api/v1/push")]
Count = Annotated[int, Strict(), Field(ge=1, le=1_000_000)]
Backend = Literal["thanos", "mimir", "cortex", "victoriametrics"]
RelabelAction = Literal["replace", "keep", "drop", "labelmap", "labeldrop", "labelkeep"]


class BasicAuth(SpecModel):
    username: Text = Field(max_length=200, description="The user name (not a secret).")
    password_file: AbsolutePath = Field(description="The file Prometheus reads the password from.")


class Authorization(SpecModel):
    type: Literal["Bearer"] = Field(default="Bearer", description="The scheme of the Authorization header.")
    credentials_file: AbsolutePath = Field(description="The file Prometheus reads the token from.")


class QueueConfig(SpecModel):
    capacity: Count | None = Field(default=None, description="Samples buffered per shard before reading the WAL "
                                                             "blocks.")
    min_shards: Count | None = Field(default=None, description="Shards to start with.")
    max_shards: Count | None = Field(default=None, description="The most parallel senders.")
    max_samples_per_send: Count | None = Field(default=None, description="Samples in one request.")
    batch_send_deadline: Duration | None = Field(default=None, description="The longest a sample waits in a shard.")
    min_backoff: Duration | None = Field(default=None, description="The first wait before a retry.")
    max_backoff: Duration | None = Field(default=None, description="The longest wait between retries.")


class WriteRelabel(SpecModel):
    """One relabel step on the way out: only what survives is sent (the local TSDB keeps everything)."""

    action: RelabelAction = Field(default="replace", description="What the step does.")
    source_labels: UniqueLabelNames = Field(default=(), description="Labels whose values, joined by the "
                                                                    "separator, the regex is matched against.")
    separator: Text = Field(default=";", max_length=10, description="What joins the source labels' values.")
    regex: Text = Field(default="(.*)", max_length=1000, description="An RE2 regular expression, anchored at both "
                                                                     "ends.")
    target_label: LabelName | None = Field(default=None, description="The label a replace step writes.")
    replacement: Text = Field(default="$1", max_length=1000, description="What a replace step writes; $1 is the "
                                                                         "first group.")


class RemoteWrite(SpecModel):
    name: Name = Field(description="The endpoint's name: in Prometheus' remote-storage metrics, and in messages.")
    backend: Backend = Field(description="What receives the samples: thanos (Receive), mimir, cortex or "
                                         "victoriametrics.")
    url: RemoteUrl = Field(description="The endpoint: .../api/v1/receive (Thanos), .../api/v1/push (Mimir, "
                                       "Cortex), .../api/v1/write (VictoriaMetrics).")
    tenant: Text | None = Field(default=None, max_length=200, description=(
        "The tenant the samples belong to: sent as THANOS-TENANT (Thanos) or X-Scope-OrgID (Mimir, Cortex). "
        "VictoriaMetrics takes it in the URL (/insert/<tenant>/prometheus/api/v1/write)."))
    basic_auth: BasicAuth | None = Field(default=None, description="HTTP basic auth, the password from a file.")
    authorization: Authorization | None = Field(default=None, description="A bearer token from a file.")
    remote_timeout: Duration | None = Field(default=None, description="How long one request may take (default 30s).")
    queue_config: QueueConfig = Field(default_factory=section_defaults(QueueConfig), description="How samples are batched "
                                                                                          "and retried.")
    write_relabel_configs: tuple[WriteRelabel, ...] = Field(default=(), description="Relabel steps applied to "
                                                                                    "samples before they are sent.")


Replicas = Annotated[Int, Field(ge=1, le=10)]
