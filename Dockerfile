# Racewatch in a container: the bot, the scheduler and /healthz in one process.
FROM python:3.11-slim
WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY commands ./commands
COPY storage ./storage
RUN pip install --no-cache-dir . && useradd --create-home racewatch \
    && mkdir /data && chown racewatch /data
USER racewatch
ENV RACEWATCH_DATABASE_URL=sqlite:////data/racewatch.db \
    RACEWATCH_HEALTH_HOST=0.0.0.0 \
    RACEWATCH_HEALTH_PORT=8080
VOLUME /data
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=3s \
    CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8080/healthz')"
CMD ["racewatch", "run"]
