"""The 12-digit citizen identity number (CCCD): structure checks and masking.

Layout (Circular 07/2016/TT-BCA, kept by Circular 59/2021/TT-BCA): 3 digits of the birth
province, 1 digit of century and sex (0/1: 1900s male/female, 2/3: 2000s, 4/5: 2100s),
2 digits of the birth year, 6 serial digits.
"""

# Birth-province codes of the 63 provinces before the 2025 mergers.
PROVINCE_CODES = frozenset(
    "001 002 004 006 008 010 011 012 014 015 017 019 020 022 024 025 026 027 030 031 033 034 "
    "035 036 037 038 040 042 044 045 046 048 049 051 052 054 056 058 060 062 064 066 067 068 "
    "070 072 074 075 077 079 080 082 083 084 086 087 089 091 092 093 094 095 096".split()
)


def citizen_id_problem(value: str, *, birth_year: int | None, gender: str | None) -> str | None:
    """Why this is not a plausible citizen ID for this person, or None when it is."""
    if len(value) != 12 or not value.isdigit():
        return "A citizen ID has exactly 12 digits."
    if value[:3] not in PROVINCE_CODES:
        return f"{value[:3]} is not a province code of a citizen ID."
    century_sex = int(value[3])
    if century_sex > 5:
        return "The 4th digit of a citizen ID (century and sex) must be 0 to 5."
    if birth_year is not None:
        century = 1900 + 100 * (century_sex // 2)
        if not (century <= birth_year < century + 100) or value[4:6] != f"{birth_year % 100:02d}":
            return "The citizen ID does not match the birth year."
    if gender in ("male", "female") and (century_sex % 2 == 1) != (gender == "female"):
        return "The citizen ID does not match the sex."
    return None


def mask_citizen_id(value: str | None) -> str | None:
    """Only the last four digits stay readable."""
    if not value:
        return value
    return "*" * (len(value) - 4) + value[-4:]


def mask_phone(value: str | None) -> str | None:
    if not value:
        return value
    return value[:3] + "*" * max(len(value) - 6, 0) + value[-3:]
