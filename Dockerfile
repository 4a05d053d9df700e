# syntax=docker/dockerfile:1
# adplane server image: `adplane serve` by default; `adplane worker` and every other command run from it too.
# Build: docker build -t adplane .   (add --build-arg EXTRAS=server,otel for OpenTelemetry tracing)

# ---- build: install adplane and its server dependencies into a virtualenv --------------------------
FROM python:3.11-slim AS build
ARG EXTRAS=server
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
RUN python -m venv /opt/adplane
COPY pyproject.toml README.md ./
COPY src ./src
RUN /opt/adplane/bin/pip install --no-cache-dir ".[${EXTRAS}]"

# ---- runtime: the virtualenv only, run as an unprivileged user ---------------------------------------
FROM python:3.11-slim AS runtime
ENV PATH=/opt/adplane/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    ADPLANE_DATA_DIR=/var/lib/adplane
RUN groupadd --system --gid 10001 adplane \
    && useradd --system --uid 10001 --gid adplane --home-dir /var/lib/adplane --shell /usr/sbin/nologin adplane \
    && mkdir -p /var/lib/adplane \
    && chown adplane:adplane /var/lib/adplane
COPY --from=build /opt/adplane /opt/adplane
USER 10001:10001
WORKDIR /var/lib/adplane
VOLUME ["/var/lib/adplane"]
EXPOSE 8000
# /healthz answers while the process serves; /readyz (database and data dir writable) is for load balancers.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('http://127.0.0.1:8000/healthz', timeout=4).status == 200 else 1)"]
ENTRYPOINT ["adplane"]
CMD ["serve", "--host", "0.0.0.0", "--port", "8000"]
