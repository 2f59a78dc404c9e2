"""Argon2id password hashing and the password rules."""

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from api.errors import ValidationFailed

MIN_PASSWORD_LENGTH = 10
# The passwords every guessing list starts with (compared without case, spaces or punctuation).
COMMON_PASSWORDS = frozenset(
    """password1234 password123 passw0rd123 1234567890 0123456789 12345678910 1234567890a
    qwertyuiop qwerty1234 qwerty123456 1q2w3e4r5t 1qaz2wsx3edc abc1234567 abcd123456 iloveyou12
    matkhau123 matkhau1234 matkhaumoi 123456789a 0987654321 1111111111 admin12345 admin123456
    administrator changeme123 welcome123 letmein123 giamngheo giamngheo123 vietnam123
    vietnam1234 hanoi12345 saigon1234 anhyeuem123 khongbiet""".split()
)


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
    """At least 10 characters, not the username, not too few distinct characters, not a
    common password."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValidationFailed(
            f"The password needs at least {MIN_PASSWORD_LENGTH} characters.", pointer=pointer
        )
    if username and username.lower() in password.lower():
        raise ValidationFailed("The password must not contain the username.", pointer=pointer)
    if len(set(password)) < 4:
        raise ValidationFailed("The password is too simple.", pointer=pointer)
    if "".join(ch for ch in password.lower() if ch.isalnum()) in COMMON_PASSWORDS:
        raise ValidationFailed("The password is on the list of common passwords.", pointer=pointer)
