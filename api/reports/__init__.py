"""Reports: SQL aggregates of the records, and the counts maintained for them."""

from api.reports import counts_refresh  # noqa: F401  (registers the session listeners)
