"""Prometheus metrics every service exposes on /metrics."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

REQUESTS = Histogram(
    "tidtam_http_request_seconds", "HTTP request latency by route template",
    ["service", "method", "route", "status"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)
EVENTS_PUBLISHED = Counter(
    "tidtam_events_published_total", "Events published to the broker", ["service", "type"]
)
EVENTS_CONSUMED = Counter(
    "tidtam_events_consumed_total", "Events consumed, by outcome (applied, duplicate)",
    ["service", "consumer", "type", "outcome"],
)
EVENTS_FAILED = Counter(
    "tidtam_events_failed_total", "Event handlers that raised (the message is redelivered)",
    ["service", "consumer", "type"],
)
OUTBOX_BACKLOG = Gauge("tidtam_outbox_backlog", "Unsent outbox rows", ["service"])
OUTBOX_OLDEST_AGE = Gauge(
    "tidtam_outbox_oldest_age_seconds", "Age of the oldest unsent outbox row", ["service"]
)
PUBLISH_ERRORS = Counter(
    "tidtam_publish_errors_total", "Failed publishes (broker down, nack, unroutable)",
    ["service", "reason"],
)
