# syntax=docker/dockerfile:1
# The csm-tui team sync server: the package with its `server` extra, run as a non-root user.
#
#   docker build -t csm-tui-server .
#   docker run -d --name csm -p 127.0.0.1:8750:8750 -v csm-data:/data csm-tui-server
#   docker exec -it csm csm-tui server add-user aoi@example.com --name "Aoi Tanaka"
#
# With no CSM_TUI_SERVER_DATABASE the database is the SQLite file /data/server.db (one worker);
# for PostgreSQL see compose.yaml. TLS belongs to a reverse proxy in front (docs/server.md).

ARG PYTHON_VERSION=3.12

# --- build: the wheel, then a virtual environment holding it and the server extra ------------
FROM python:${PYTHON_VERSION}-slim AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    PYTHONDONTWRITEBYTECODE=1
WORKDIR /src
COPY pyproject.toml README.md LICENSE babel.cfg ./
COPY themes ./themes
COPY csm_tui ./csm_tui
RUN python -m pip wheel --no-deps --wheel-dir /wheels . \
    && python -m venv /opt/csm-tui \
    && /opt/csm-tui/bin/pip install "$(echo /wheels/csm_tui-*.whl)[server]" \
    && /opt/csm-tui/bin/python -m compileall -q /opt/csm-tui/lib

# --- runtime: the virtual environment alone, no compiler, no pip cache -------------------------
FROM python:${PYTHON_VERSION}-slim
LABEL org.opencontainers.image.title="csm-tui server" \
      org.opencontainers.image.description="The csm-tui team sync server (FastAPI, SQLite or PostgreSQL)" \
      org.opencontainers.image.licenses="MIT"
RUN groupadd --system --gid 10001 csm \
    && useradd --system --uid 10001 --gid csm --home-dir /data --no-create-home \
       --shell /usr/sbin/nologin csm \
    && install -d -o csm -g csm -m 0700 /data
COPY --from=build /opt/csm-tui /opt/csm-tui
ENV PATH=/opt/csm-tui/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/data \
    XDG_DATA_HOME=/data \
    CSM_TUI_SERVER_DATABASE=/data/server.db \
    CSM_TUI_SERVER_LOG_FORMAT=json
USER csm:csm
WORKDIR /data
VOLUME ["/data"]
EXPOSE 8750
# liveness only: a database outage shows on /v1/ready, and must not get the container restarted
HEALTHCHECK --interval=30s --timeout=5s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8750/v1/health', timeout=4)"]
ENTRYPOINT ["csm-tui", "server"]
CMD ["run", "--host", "0.0.0.0", "--port", "8750"]
