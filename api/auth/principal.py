"""Who is calling: an officer (user) or, later, an agency key."""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" | "agency" | "system"
    id: str
    role: str  # admin | commune_officer | auditor | agency
    name: str = ""
    # Place paths the caller may see (and all below); None means the whole deployment.
    place_paths: tuple[str, ...] | None = None
    # Ancestors of the caller's places: visible as names (breadcrumbs), not as subtrees.
    ancestor_ids: frozenset[str] = field(default_factory=frozenset)
    scopes: frozenset[str] = field(default_factory=frozenset)
    token_id: str | None = None

    @property
    def is_restricted(self) -> bool:
        return self.place_paths is not None

    def covers_path(self, path: str) -> bool:
        """True when a record at this place path lies inside the caller's places."""
        if self.place_paths is None:
            return True
        return any(path.startswith(prefix) for prefix in self.place_paths)


SYSTEM = Principal(kind="system", id="system", role="admin", name="system")
