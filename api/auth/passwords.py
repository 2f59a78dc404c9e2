"""Argon2id password hashing and the password rules."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10


class Passwords:
    """Hashes and checks passwords with the cost the settings give."""

    def __init__(self, *, time_cost: int, memory_cost: int):
        self._hasher = PasswordHasher(time_cost=time_cost, memory_cost=memory_cost)
        # Verified against when the user does not exist, so timing does not reveal it.
        self._dummy = self._hasher.hash("not-a-real-password")

    def hash(self, password: str) -> str:
        return self._hasher.hash(password)

    def verify(self, password_hash: str | None, password: str) -> bool:
        try:
            return self._hasher.verify(password_hash or self._dummy, password) and bool(
                password_hash
            )
        except (VerificationError, InvalidHashError):
            return False


def check_password_rules(password: str, *, username: str = "", pointer: str = "/password") -> None:
    """At least 10 characters, not the username, not a single repeated character."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", pointer=pointer
        )
    if username and username.lower() in password.lower():
        raise ValidationFailed("The password must not contain the username.", pointer=pointer)
    if len(set(password)) < 4:
        raise ValidationFailed("The password is too simple.", pointer=pointer)
