# Racewatch in a container: the bot, the scheduler, health and metrics in one process.
# Two stages: the runtime image gets the locked dependencies (requirements.lock, with hashes)
# and Racewatch itself, without pip's build leftovers or the dev tools. tini is PID 1: it
# passes SIGTERM on to racewatch (which stops cleanly) and reaps zombies. See README,
# "Deployment"; compose.yaml runs it with PostgreSQL.
FROM python:3.11.11-slim-bookworm AS build
WORKDIR /src
RUN python -m venv /venv
COPY requirements.lock ./
RUN /venv/bin/pip install --no-cache-dir --require-hashes -r requirements.lock
COPY pyproject.toml README.md LICENSE ./
COPY bot ./bot
COPY commands ./commands
COPY storage ./storage
RUN /venv/bin/pip install --no-cache-dir --no-deps .

FROM python:3.11.11-slim-bookworm
RUN apt-get update \
    && apt-get install -y --no-install-recommends tini=0.19.0-1+b3 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 racewatch \
    && mkdir /data && chown 10001 /data
COPY --from=build /venv /venv
ENV PATH=/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    RACEWATCH_DATABASE_URL=sqlite:////data/racewatch.db \
    RACEWATCH_HEALTH_HOST=0.0.0.0 \
    RACEWATCH_HEALTH_PORT=8080
USER 10001
WORKDIR /home/racewatch
VOLUME /data
EXPOSE 8080 3000
# `racewatch healthcheck` asks /healthz on RACEWATCH_HEALTH_PORT, whatever it is set to.
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["racewatch", "healthcheck"]
STOPSIGNAL SIGTERM
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["racewatch", "run"]
