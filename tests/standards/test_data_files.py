"""The data files themselves: provenance on every value, the [verify] flags, and load checks."""

import json
import shutil
import tomllib
import unicodedata

import pytest

from api.standards.loader import DATA_DIR, NEED_CATEGORIES, StandardDataError, load_directory

FILES = sorted(DATA_DIR.glob("*.toml"))
RAW = {path.stem: tomllib.loads(path.read_text(encoding="utf-8")) for path in FILES}
ROOT_KEYS = {"schema_version", "code"}  # identifiers, not facts that need a source


def walk(node, pointer=""):
    """Every table in a parsed file, with its JSON pointer."""
    if isinstance(node, dict):
        yield pointer, node
        for key, value in node.items():
            yield from walk(value, f"{pointer}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{pointer}/{index}")


def holds_values(table):
    """True when a table has a value of its own, not only sub-tables."""
    return any(not isinstance(value, dict | list) for value in table.values())


def strings(node):
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict | list):
        for value in node.values() if isinstance(node, dict) else node:
            yield from strings(value)


def test_the_three_standards_are_shipped():
    assert [path.name for path in FILES] == ["ND07-2021.toml", "ND351-2025.toml", "QD59-2015.toml"]
    assert {stem: raw["code"] for stem, raw in RAW.items()} == {
        "ND07-2021": "ND07-2021",
        "ND351-2025": "ND351-2025",
        "QD59-2015": "QD59-2015",
    }


@pytest.mark.parametrize("code", sorted(RAW))
def test_every_value_has_source_and_verified(code):
    raw = RAW[code]
    assert {key for key, value in raw.items() if not isinstance(value, dict | list)} == ROOT_KEYS
    checked = 0
    for pointer, table in walk(raw):
        if pointer == "" or not holds_values(table):
            continue
        assert isinstance(table.get("source"), str), pointer
        assert table["source"].strip() != "", pointer
        assert isinstance(table.get("verified"), bool), pointer
        checked += 1
    indicators = len(raw["indicators"])
    scored_areas = len(raw["scores"].get("b1_cutoffs", {}))
    bands = len(raw.get("average_band", {}))
    # title, legal_basis, status, years, rule, 2 lines, scores + dimensions + 3 per indicator
    assert checked == 8 + bands + scored_areas + len(raw["dimensions"]) + 3 * indicators


@pytest.mark.parametrize("code", sorted(RAW))
def test_verify_items_are_unverified(code):
    raw = RAW[code]
    assert [band["verified"] for band in raw.get("average_band", {}).values()] == (
        [False, False] if code != "ND351-2025" else []
    )
    assert raw["scores"]["verified"] is False
    assert [cut["verified"] for cut in raw["scores"].get("b1_cutoffs", {}).values()] == (
        [False, False] if code != "ND351-2025" else []
    )
    assert {indicator["condition"]["verified"] for indicator in raw["indicators"]} == {False}
    assert {indicator["need"]["verified"] for indicator in raw["indicators"]} == {False}


def test_nd351_is_provisional_and_entirely_unverified():
    raw = RAW["ND351-2025"]
    assert raw["status"]["provisional"] is True
    flags = {table["verified"] for _, table in walk(raw) if "verified" in table}
    assert flags == {False}


def test_only_nd351_is_provisional():
    assert {code: raw["status"]["provisional"] for code, raw in RAW.items()} == {
        "ND07-2021": False,
        "ND351-2025": True,
        "QD59-2015": False,
    }


def test_income_lines_are_verified_with_their_legal_source():
    for code, decree in (
        ("QD59-2015", "Decision 59/2015/QĐ-TTg"),
        ("ND07-2021", "Decree 07/2021/NĐ-CP"),
    ):
        for area in ("rural", "urban"):
            lines = RAW[code]["lines"][area]
            assert lines["verified"] is True
            assert lines["source"].startswith(decree)


def test_values_match_the_domain_reference():
    qd59, nd07, nd351 = RAW["QD59-2015"], RAW["ND07-2021"], RAW["ND351-2025"]
    assert (qd59["years"]["first"], qd59["years"]["last"]) == (2016, 2021)
    assert (nd07["years"]["first"], nd07["years"]["last"]) == (2022, 2026)
    assert (nd351["years"]["first"], nd351["years"]["last"]) == (2027, 2030)
    assert [
        (qd59["lines"][a]["poverty_line"], qd59["lines"][a]["near_poverty_line"])
        for a in ("rural", "urban")
    ] == [(700_000, 1_000_000), (900_000, 1_300_000)]
    assert [
        (qd59["average_band"][a]["above"], qd59["average_band"][a]["up_to"])
        for a in ("rural", "urban")
    ] == [(1_000_000, 1_500_000), (1_300_000, 1_950_000)]
    assert [nd07["lines"][a]["poverty_line"] for a in ("rural", "urban")] == [1_500_000, 2_000_000]
    assert [
        (nd07["average_band"][a]["above"], nd07["average_band"][a]["up_to"])
        for a in ("rural", "urban")
    ] == [(1_500_000, 2_250_000), (2_000_000, 3_000_000)]
    assert [nd351["lines"][a]["poverty_line"] for a in ("rural", "urban")] == [2_200_000, 2_800_000]
    assert {raw["rule"]["kind"] for raw in (nd07, nd351)} == {"single_line"}
    assert qd59["rule"]["kind"] == "two_lines"
    assert {raw["rule"]["deprivation_threshold"] for raw in RAW.values()} == {3}


def test_score_cutoffs_match_the_domain_reference():
    qd59, nd07 = RAW["QD59-2015"]["scores"], RAW["ND07-2021"]["scores"]
    assert qd59["b1_cutoffs"]["rural"]["b1_poverty_max"] == 120
    assert qd59["b1_cutoffs"]["rural"]["b1_near_poverty_max"] == 150
    assert qd59["b1_cutoffs"]["urban"]["b1_poverty_max"] == 140
    assert qd59["b1_cutoffs"]["urban"]["b1_near_poverty_max"] == 175
    assert nd07["b1_cutoffs"]["rural"]["b1_poverty_max"] == 140
    assert nd07["b1_cutoffs"]["urban"]["b1_poverty_max"] == 175
    assert {raw["scores"]["b2_points_per_indicator"] for raw in RAW.values()} == {10}
    assert "b1_cutoffs" not in RAW["ND351-2025"]["scores"]


def test_qd59_indicators_as_in_the_domain_reference():
    assert [(i["code"], i["dimension"], i["name_vi"]) for i in RAW["QD59-2015"]["indicators"]] == [
        ("HE1", "health", "Tiếp cận dịch vụ y tế"),
        ("HE2", "health", "Bảo hiểm y tế"),
        ("ED1", "education", "Trình độ giáo dục của người lớn"),
        ("ED2", "education", "Tình trạng đi học của trẻ em"),
        ("HO1", "housing", "Chất lượng nhà ở"),
        ("HO2", "housing", "Diện tích nhà ở bình quân đầu người"),
        ("WS1", "water_sanitation", "Nguồn nước sinh hoạt"),
        ("WS2", "water_sanitation", "Hố xí/nhà tiêu hợp vệ sinh"),
        ("IN1", "information", "Sử dụng dịch vụ viễn thông"),
        ("IN2", "information", "Tài sản phục vụ tiếp cận thông tin"),
    ]


def test_indicator_codes_per_standard():
    codes = {code: [i["code"] for i in raw["indicators"]] for code, raw in RAW.items()}
    assert codes == {
        "QD59-2015": ["HE1", "HE2", "ED1", "ED2", "HO1", "HO2", "WS1", "WS2", "IN1", "IN2"],
        "ND07-2021": [
            "EM1",
            "EM2",
            "HE1",
            "HE2",
            "ED1",
            "ED2",
            "HO1",
            "HO2",
            "WS1",
            "WS2",
            "IN1",
            "IN2",
        ],
        "ND351-2025": [
            "EM1",
            "EM2",
            "HE1",
            "HE2",
            "ED1",
            "ED2",
            "HO1",
            "HO2",
            "WS1",
            "WS2",
            "WS3",
            "IN1",
        ],
    }


def test_need_categories_are_known():
    used = {i["need"]["category"] for raw in RAW.values() for i in raw["indicators"]}
    assert used <= set(NEED_CATEGORIES)
    assert sorted(used) == [
        "education",
        "health",
        "housing",
        "information",
        "jobs",
        "social_assistance",
        "vocational_training",
        "water_sanitation",
    ]


@pytest.mark.parametrize("code", sorted(RAW))
def test_text_is_nfc_and_vietnamese_has_diacritics(code):
    for text in strings(RAW[code]):
        assert unicodedata.normalize("NFC", text) == text
    names = [indicator["name_vi"] for indicator in RAW[code]["indicators"]]
    assert all(name != name.encode("ascii", "ignore").decode() for name in names)


# -- load-time validation -----------------------------------------------------------------------


def copy_data(tmp_path, edits=None):
    """A copy of the data folder, with (file stem, old, new) text replacements applied."""
    for path in FILES:
        shutil.copy(path, tmp_path / path.name)
    for stem, old, new in edits or []:
        target = tmp_path / f"{stem}.toml"
        text = target.read_text(encoding="utf-8")
        assert old in text
        target.write_text(text.replace(old, new, 1), encoding="utf-8")
    return tmp_path


def load_error(tmp_path, *edits):
    with pytest.raises(StandardDataError) as caught:
        load_directory(copy_data(tmp_path, list(edits)))
    return str(caught.value)


def test_copied_data_loads(tmp_path):
    assert list(load_directory(copy_data(tmp_path))) == ["QD59-2015", "ND07-2021", "ND351-2025"]


def test_a_new_period_needs_only_a_new_file(tmp_path):
    copy_data(tmp_path)
    text = (DATA_DIR / "ND351-2025.toml").read_text(encoding="utf-8")
    text = text.replace('code = "ND351-2025"', 'code = "ND999-2030"')
    text = text.replace("first = 2027\nlast = 2030", "first = 2031\nlast = 2035")
    (tmp_path / "ND999-2030.toml").write_text(text, encoding="utf-8")
    standards = load_directory(tmp_path)
    assert list(standards) == ["QD59-2015", "ND07-2021", "ND351-2025", "ND999-2030"]
    assert standards["ND999-2030"].years == (2031, 2035)


def test_duplicate_standard_code(tmp_path):
    copy_data(tmp_path)
    shutil.copy(DATA_DIR / "QD59-2015.toml", tmp_path / "copy.toml")
    with pytest.raises(StandardDataError) as caught:
        load_directory(tmp_path)
    assert str(caught.value) == (
        "copy.toml /code: duplicate standard code 'QD59-2015' (also in QD59-2015.toml)"
    )
    assert caught.value.pointer == "/code"


def test_overlapping_years(tmp_path):
    assert load_error(tmp_path, ("ND07-2021", "first = 2022", "first = 2021")) == (
        "ND07-2021.toml /years: years 2021-2026 of ND07-2021 overlap 2016-2021 of QD59-2015"
    )


def test_missing_area_in_lines(tmp_path):
    assert load_error(tmp_path, ("ND07-2021", "[lines.urban]", "[lines.town]")) == (
        "ND07-2021.toml /lines: missing area 'urban': every standard must define rural and urban"
    )


def test_missing_area_in_average_band(tmp_path):
    assert load_error(tmp_path, ("QD59-2015", "[average_band.rural]", "[average_band.x]")) == (
        "QD59-2015.toml /average_band: missing area 'rural': every standard must define rural "
        "and urban"
    )


def test_extra_area(tmp_path):
    edit = ("ND351-2025", "[lines.urban]", "[lines.mountain]\npoverty_line = 1\n\n[lines.urban]")
    assert load_error(tmp_path, edit) == "ND351-2025.toml /lines: unknown key(s): mountain"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ("QD59-2015", "near_poverty_line = 1_000_000", "near_povery_line = 1_000_000"),
            "QD59-2015.toml /lines/rural: a two_lines standard needs a near_poverty_line above the "
            "poverty_line",
        ),
        (
            ("ND07-2021", "poverty_line = 1_500_000", "poverty_line = 1\nnear_poverty_line = 2"),
            "ND07-2021.toml /lines/rural/near_poverty_line: a single_line standard has no "
            "near_poverty_line",
        ),
        (
            ("ND07-2021", "poverty_line = 1_500_000", 'poverty_line = "1.500.000"'),
            "ND07-2021.toml /lines/rural/poverty_line: expected int, got str",
        ),
        (
            ("ND07-2021", "above = 1_500_000", "above = 1_400_000"),
            "ND07-2021.toml /average_band/rural/above: the band must start at the highest income "
            "line (1500000)",
        ),
        (
            ("QD59-2015", 'kind = "two_lines"', 'kind = "three_lines"'),
            "QD59-2015.toml /rule/kind: must be one of two_lines, single_line",
        ),
        (
            ("QD59-2015", 'code = "HE2"', 'code = "HE1"'),
            "QD59-2015.toml /indicators/1/code: duplicate code 'HE1' in indicators",
        ),
        (
            ("QD59-2015", 'category = "housing"', 'category = "shelter"'),
            "QD59-2015.toml /indicators/4/need/category: unknown need category 'shelter'",
        ),
        (
            ("QD59-2015", 'dimension = "housing"', 'dimension = "shelter"'),
            "QD59-2015.toml /indicators/4/dimension: unknown dimension 'shelter'",
        ),
        (
            ("ND351-2025", '[verify]"\nverified = false', '[verify]"\nverified = "no"'),
            "ND351-2025.toml /title/verified: expected bool, got str",
        ),
        (
            ("ND351-2025", 'source = "domain.md §3.3, marked [verify]"\n', ""),
            "ND351-2025.toml /title/source: missing required key",
        ),
        (
            (
                "ND07-2021",
                "b1_poverty_max = 140",
                "b1_poverty_max = 140\nb1_near_poverty_max = 150",
            ),
            "ND07-2021.toml /scores/b1_cutoffs/rural/b1_near_poverty_max: a single_line standard "
            "has no b1_near_poverty_max",
        ),
        (
            ("ND07-2021", "last = 2026", "last = 2020"),
            "ND07-2021.toml /years/last: last year is before the first year",
        ),
        (
            ("ND07-2021", "schema_version = 1", "schema_version = 2"),
            "ND07-2021.toml /schema_version: unsupported schema version (expected 1)",
        ),
        (
            ("QD59-2015", "Y tế", unicodedata.normalize("NFD", "Y tế")),
            "QD59-2015.toml /dimensions/0/name_vi: text must be Unicode NFC",
        ),
        (
            ("QD59-2015", 'code = "QD59-2015"', 'code = "qd59 2015"'),
            "QD59-2015.toml /code: standard codes use capitals, digits and dashes, e.g. ND07-2021",
        ),
    ],
)
def test_malformed_data_is_refused_with_file_and_pointer(tmp_path, edit, message):
    assert load_error(tmp_path, edit) == message


def test_not_toml(tmp_path):
    copy_data(tmp_path)
    (tmp_path / "broken.toml").write_text("code = \n", encoding="utf-8")
    with pytest.raises(StandardDataError) as caught:
        load_directory(tmp_path)
    assert str(caught.value).startswith("broken.toml /: not a valid UTF-8 TOML file: ")


def test_empty_folder(tmp_path):
    with pytest.raises(StandardDataError) as caught:
        load_directory(tmp_path)
    assert caught.value.pointer == ""
    assert str(caught.value).endswith(": no *.toml standard files found")


def test_standard_to_public_is_plain_json():
    standard = load_directory()["ND07-2021"]
    public = standard.to_public()
    assert json.loads(json.dumps(public)) == public
    assert public["years"] == {"first": 2022, "last": 2026}
    assert public["lines"]["urban"] == {
        "poverty_line": 2_000_000,
        "near_poverty_line": None,
        "source": "Decree 07/2021/NĐ-CP, income criterion (domain.md §3.2)",
        "verified": True,
    }
    assert public["indicators"][0]["code"] == "EM1"
    assert public["indicators"][0]["condition_provenance"]["verified"] is False
    assert public["scores"]["b1_cutoffs"]["rural"]["b1_poverty_max"] == 140
    assert public["provenance"]["years"]["verified"] is True
