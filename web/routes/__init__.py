"""One module per screen group; each exposes ``router``."""
