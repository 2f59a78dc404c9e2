"""What happens to each demo household in 2016, 2017 and 2018: the recognised status of each
year (or not yet registered), chosen so that the founding letter's figures come out.

A trajectory is three letters, one a year: P poor, N near-poor, A average living standard,
X not poor, "." not registered yet. The engine classifies every review from an income and
deprivations drawn for the letter (api/demo/reviews.py), and the poverty-rate report counts
the status changes: nothing here is a figure the report reads.

The letter (Công văn 4933/UBND-VX, domain.md §1):

| year | households | poor  | rate    | Khmer households | poor Khmer | rate    |
|------|-----------:|------:|--------:|-----------------:|-----------:|--------:|
| 2016 |     30,270 | 5,385 | 17.79 % |            7,906 |      2,707 | 34.24 % |
| 2018 |     30,558 | 1,806 |  5.91 % |            7,993 |      1,143 | 14.30 % |
"""

from dataclasses import dataclass

YEARS = (2016, 2017, 2018)
STATUS = {"P": "poor", "N": "near_poor", "A": "average", "X": "not_poor"}

# (households, trajectory, an ad-hoc review in mid-2018 found the household poor again)
KHMER: tuple[tuple[int, str, bool], ...] = (
    (1022, "PPP", False),
    (653, "PPN", False),  # escaped poverty at the 2018 review
    (60, "PPA", False),
    (700, "PNN", False),  # escaped poverty in 2017
    (250, "PAA", False),
    (12, "PNP", False),  # escaped in 2017, poor again (re-poor) in 2018
    (10, "PAP", True),  # escaped in 2017; a fire in 2018, an ad-hoc review: re-poor
    (700, "NNN", False),
    (300, "NAA", False),  # escaped near-poverty in 2017
    (120, "NNA", False),
    (40, "NPP", False),  # newly poor in 2017
    (20, "NNP", False),
    (1460, "AAA", False),
    (15, "APP", False),
    (10, "AAP", False),
    (15, "ANN", False),
    (2519, "XXX", False),
    (8, ".PP", False),  # registered in 2017
    (12, ".NN", False),
    (15, ".AA", False),
    (10, ".XX", False),
    (6, "..P", False),  # registered in 2018
    (10, "..N", False),
    (14, "..A", False),
    (12, "..X", False),
)
OTHERS: tuple[tuple[int, str, bool], ...] = (
    (512, "PPP", False),
    (700, "PPN", False),
    (150, "PPA", False),
    (698, "PNN", False),
    (500, "PAA", False),
    (10, "PNP", False),
    (8, "PAP", True),
    (100, "PXX", False),
    (1400, "NNN", False),
    (600, "NAA", False),
    (300, "NNA", False),
    (50, "NPP", False),
    (30, "NNP", False),
    (20, "NXX", False),
    (3940, "AAA", False),
    (20, "APP", False),
    (15, "AAP", False),
    (25, "ANN", False),
    (13286, "XXX", False),
    (10, ".PP", False),
    (20, ".NN", False),
    (35, ".AA", False),
    (40, ".XX", False),
    (8, "..P", False),
    (18, "..N", False),
    (30, "..A", False),
    (40, "..X", False),
)
# The letter's figures: (year, households, poor, Khmer households, poor Khmer households).
LETTER = ((2016, 30_270, 5_385, 7_906, 2_707), (2018, 30_558, 1_806, 7_993, 1_143))
SMALL_DIVISOR = 20  # --size small: about 1,500 households with the same shape


@dataclass(frozen=True)
class Life:
    """One household's plan: Khmer or not, and its status each year (None: not registered)."""

    khmer: bool
    statuses: tuple[str | None, str | None, str | None]
    adhoc_2018: bool

    @property
    def first_year(self) -> int:
        return next(y for y, s in zip(YEARS, self.statuses, strict=True) if s is not None)

    def status(self, year: int) -> str | None:
        return self.statuses[YEARS.index(year)]

    def reviewed(self, year: int) -> bool:
        """Reviewed that year: households on the list (poor or near-poor the year before),
        applicants and newly registered households, households whose status changes, and in
        2018 those that escaped in 2017 (watched closely). A household that never was poor,
        near-poor or close to it (average) is never reviewed: it stays unclassified."""
        index = YEARS.index(year)
        now = self.statuses[index]
        if now is None or all(s in (None, "not_poor") for s in self.statuses[: index + 1]):
            return False
        before = self.statuses[index - 1] if index else None
        if index == 0 or before is None or now != before or before in ("poor", "near_poor"):
            return True
        earlier = self.statuses[index - 2] if index >= 2 else None
        return earlier in ("poor", "near_poor") and before in ("average", "not_poor")


def lives(size: str) -> list[Life]:
    """Every household's plan, Khmer first; the small size keeps the shape at 1/20."""
    result = []
    for khmer, table in ((True, KHMER), (False, OTHERS)):
        for count, letters, adhoc in table:
            if size == "small":
                count = max(1, round(count / SMALL_DIVISOR))
            statuses = tuple(STATUS.get(letter) for letter in letters)
            result.extend(Life(khmer, statuses, adhoc) for _ in range(count))  # type: ignore[arg-type]
    return result


def expected_figures(plan: list[Life]) -> dict[int, tuple[int, int, int, int]]:
    """(households, poor, Khmer households, poor Khmer) per year, as the plan intends."""
    figures = {}
    for year in YEARS:
        active = [life for life in plan if life.status(year) is not None]
        poor = [life for life in active if life.status(year) == "poor"]
        figures[year] = (
            len(active),
            len(poor),
            sum(1 for life in active if life.khmer),
            sum(1 for life in poor if life.khmer),
        )
    return figures


def check_letter(plan: list[Life]) -> None:
    """The full-size plan must give the letter's figures (a guard against editing mistakes)."""
    figures = expected_figures(plan)
    for year, households, poor, khmer, poor_khmer in LETTER:
        if figures[year] != (households, poor, khmer, poor_khmer):
            raise AssertionError(f"demo plan gives {figures[year]} for {year}")
