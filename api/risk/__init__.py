"""Re-poverty early warning: pure scoring, its weights, and keeping stored scores fresh."""

from api.risk import freshness  # noqa: F401  (registers the session listeners)
