# The instrumented demo service of the compose stack (`stackgen serve`), built by
# docker-compose.monitoring.yml. The spec is mounted at run time from ./specs/.
FROM python:3.11-slim-bookworm
WORKDIR /src
COPY pyproject.toml README.md ./
COPY stackgen ./stackgen
RUN pip install --no-cache-dir . && rm -rf /src \
    && useradd --system --uid 10001 --home-dir /var/lib/stackgen --create-home stackgen
USER stackgen
WORKDIR /var/lib/stackgen
CMD ["stackgen", "serve", "--host", "0.0.0.0"]
