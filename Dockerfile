FROM python:3.12-slim

# The ops server (/healthz, /metrics) is on in the image, on every address of the container so
# Prometheus can scrape it; publish the port only where it should be reached.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    MENTORBOT_DATA_DIR=/data \
    MENTORBOT_CONTENT_DIR=/app/content \
    MENTORBOT_OPS_PORT=8080 \
    MENTORBOT_OPS_HOST=0.0.0.0

RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 mentorbot \
    && mkdir -p /data && chown mentorbot:mentorbot /data

WORKDIR /app

# The dependencies get a layer of their own, built from pyproject.toml alone: changing the code
# or the content reuses it instead of installing every package again.
COPY pyproject.toml ./
RUN python -c "import tomllib; print('\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project']['dependencies']))" > /tmp/requirements.txt \
    && pip install -r /tmp/requirements.txt \
    && rm /tmp/requirements.txt

COPY README.md ./
COPY bot ./bot
RUN pip install --no-deps .
COPY content ./content

USER mentorbot
# matplotlib builds its font cache on first use; build it now, not during the first stats.
RUN python -c "import matplotlib.font_manager"

VOLUME ["/data"]
# The ops server (health, metrics) listens on 8080; Slack's HTTP mode on 3000
# (MENTORBOT_SLACK_PORT; Socket Mode needs no port).
EXPOSE 8080 3000
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 CMD ["mentorbot", "health"]
# Exec form, no shell in between: SIGTERM reaches the bot itself, which stops taking commands,
# lets the running delivery tick record what it sent, puts back what it had not, and exits 0.
STOPSIGNAL SIGTERM
CMD ["mentorbot", "run"]
