"""Unit names in plans match org units despite lost accents and OCR damage."""

import pytest

from cchc.documents.matching import UnitCandidate, match_units, name_key

CANDIDATES = [
    UnitCandidate("HD.SNV", ("Sở Nội vụ",)),
    UnitCandidate("HD.STP", ("Sở Tư pháp",)),
    UnitCandidate("HD.STC", ("Sở Tài chính",)),
    UnitCandidate("HD.SKHDT", ("Sở Kế hoạch và Đầu tư",)),
    UnitCandidate("HD.STTTT", ("Sở Thông tin và Truyền thông",)),
    UnitCandidate("HD.VP", ("Văn phòng Ủy ban nhân dân tỉnh", "Văn phòng UBND tỉnh")),
    UnitCandidate("HD.SVHTTDL", ("Sở Văn hóa, Thể thao và Du lịch",)),
    UnitCandidate("HD.DAI", ("Đài Phát thanh - Truyền hình tỉnh",)),
    UnitCandidate("HD.BAO", ("Báo Hải Dương",)),
    UnitCandidate("SBN", ("Các sở, ban, ngành",), is_group=True),
    UnitCandidate("HUYEN", ("UBND các huyện, thị xã, thành phố",), is_group=True),
]


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        # The seed's section IV headings, exactly as OCR printed them.
        ("S6é Noi vu", ["HD.SNV"]),
        ("S6¢ Tw phap", ["HD.STP"]),
        ("Van phong UBND tinh", ["HD.VP"]),
        ("S¢ Tai chinh", ["HD.STC"]),
        ("S& Thong tin va Truyén thong", ["HD.STTTT"]),
        ("S& Ké hoach va Pau tw", ["HD.SKHDT"]),
        ("Cac s, ban, nganh; UBND cac huyén, thi xi, thanh pho", ["SBN", "HUYEN"]),
        # Repaired text and a name that contains a comma and "và".
        ("Sở Kế hoạch và Đầu tư", ["HD.SKHDT"]),
        ("Sở Văn hóa, Thể thao và Du lịch", ["HD.SVHTTDL"]),
        ("Ủy ban nhân dân các huyện, thị xã, thành phố", ["HUYEN"]),
    ],
)
def test_seed_headings_match_their_units(heading: str, expected: list[str]) -> None:
    found = [m.code for m in match_units(heading, CANDIDATES) if m.code]
    assert found == expected


def test_unknown_names_are_reported_not_dropped() -> None:
    text = "Dai Phat thanh - Truyén hinh tinh, Bao Hai Dwong, Cong thong tin dién tir tinh"
    mentions = match_units(text, CANDIDATES)
    assert [(m.code, m.text) for m in mentions] == [
        ("HD.DAI", "Dai Phat thanh - Truyén hinh tinh"),
        ("HD.BAO", "Bao Hai Dwong"),
        (None, "Cong thong tin dién tir tinh"),
    ]


def test_group_mentions_are_flagged() -> None:
    (mention,) = [m for m in match_units("Các sở, ban, ngành", CANDIDATES) if m.code]
    assert mention.is_group


def test_key_folds_accents_ocr_and_abbreviations() -> None:
    assert name_key("Ủy ban nhân dân tỉnh") == name_key("UBND tinh") == "ubnd tinh"
    assert name_key("Sở Kế hoạch và Đầu tư") == name_key("S& Ké hoach va Pau tw") == "so kh dt"
    # Digits stay digits when they are a number, not a letter misread.
    assert name_key("năm 2023") == "nam 2023"


def test_a_name_that_is_not_close_enough_does_not_match() -> None:
    assert [m.code for m in match_units("Sở Ngoại vụ", CANDIDATES)] == [None]


def test_prefix_matching_reads_the_partner_list_and_stops_at_prose() -> None:
    from cchc.documents.matching import match_unit_prefixes

    text = "Sở Tư pháp, Sở Tài chính và S& Nội vụ hướng dẫn các đơn vị; Sở Kế hoạch và Đầu tư báo cáo"
    assert [m.code for m in match_unit_prefixes(text, CANDIDATES)] == ["HD.STP", "HD.STC", "HD.SNV"]
    # A unit named later in the sentence, after prose, is not a partner.
    assert match_unit_prefixes("các đơn vị có liên quan giải quyết, Cổng thông tin điện tử", CANDIDATES) == []
