FROM python:3.12-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    MENTORBOT_DATA_DIR=/data \
    MENTORBOT_CONTENT_DIR=/app/content

RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --create-home --uid 10001 mentorbot \
    && mkdir -p /data && chown mentorbot:mentorbot /data

WORKDIR /app
COPY pyproject.toml README.md ./
COPY bot ./bot
RUN pip install .
COPY content ./content

USER mentorbot
VOLUME ["/data"]
# Slack's HTTP mode listens here (MENTORBOT_SLACK_PORT); Socket Mode needs no port.
EXPOSE 3000
CMD ["mentorbot", "run"]
