"""Decoding Vietnamese text files: BOMs, UTF-8/16, Windows-1258, TCVN3 and VNI."""

import unicodedata

import pytest

from cchc.documents.encodings import (
    decode_bytes,
    decode_tcvn3,
    decode_vni,
    encode_cp1258,
    encode_tcvn3,
    encode_vni,
    looks_binary,
    vietnamese_score,
)

PLAN = (
    "Cộng hòa xã hội chủ nghĩa Việt Nam. Độc lập - Tự do - Hạnh phúc.\n"
    "Kế hoạch cải cách hành chính nhà nước tỉnh Hải Dương năm 2023: Ủy ban nhân dân tỉnh "
    "chỉ đạo các sở, ban, ngành triển khai đồng bộ, hiệu quả; người đứng đầu chịu trách nhiệm; "
    "đẩy mạnh chuyển đổi số, nâng cao chất lượng phục vụ người dân, doanh nghiệp."
)

# Byte strings read off real legacy documents (as their Windows-1252 look-alike glyphs),
# not produced by this module's own tables.
TCVN3_KNOWN = [
    ("ViÖt Nam", "Việt Nam"),
    ("c¶i c¸ch hµnh chÝnh", "cải cách hành chính"),
    ("ñy ban nh©n d©n", "ủy ban nhân dân"),  # TCVN3 has no capital Ủ: typed lower case, shown in .VnTimeH
    ("®ång", "đồng"),
    ("Céng hoµ x· héi chñ nghÜa ViÖt Nam", "Cộng hoà xã hội chủ nghĩa Việt Nam"),
    ("§éc lËp - Tù do - H¹nh phóc", "Độc lập - Tự do - Hạnh phúc"),
]
VNI_KNOWN = [
    ("Vieät Nam", "Việt Nam"),
    ("caûi caùch haønh chính", "cải cách hành chính"),
    ("UÛy ban nhaân daân", "Ủy ban nhân dân"),
    ("ñoàng", "đồng"),
    ("COÄNG HOØA XAÕ HOÄI CHUÛ NGHÓA VIEÄT NAM", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"),
    ("Ñoäc laäp - Töï do - Haïnh phuùc", "Độc lập - Tự do - Hạnh phúc"),
    ("Sôû Tö phaùp, Trung öông", "Sở Tư pháp, Trung ương"),
]


@pytest.mark.parametrize(("glyphs", "expected"), TCVN3_KNOWN)
def test_tcvn3_known_strings_decode(glyphs: str, expected: str) -> None:
    """Known TCVN3 (ABC) byte strings decode to the right words."""
    assert decode_tcvn3(glyphs.encode("cp1252")) == expected


@pytest.mark.parametrize(("glyphs", "expected"), VNI_KNOWN)
def test_vni_known_strings_decode(glyphs: str, expected: str) -> None:
    """Known VNI-Windows byte strings decode to the right words."""
    assert decode_vni(glyphs.encode("cp1252")) == expected


@pytest.mark.parametrize(("glyphs", "expected"), TCVN3_KNOWN + VNI_KNOWN)
def test_decode_bytes_detects_legacy_encoding_of_known_strings(glyphs: str, expected: str) -> None:
    """Even a short phrase is told apart: TCVN3 vs VNI vs Windows-1258."""
    decoded = decode_bytes(glyphs.encode("cp1252"))
    assert decoded.text == expected
    assert decoded.encoding in {"tcvn3", "vni"}


def test_encoders_match_known_bytes() -> None:
    """The inverse tables used to make samples agree with the hand-verified strings."""
    for glyphs, text in TCVN3_KNOWN:
        assert encode_tcvn3(text) == glyphs.encode("cp1252")
    for glyphs, text in VNI_KNOWN:
        assert encode_vni(text) == glyphs.encode("cp1252")


def test_cp1258_known_bytes() -> None:
    """Windows-1258 writes ệ as ê + combining dot below (0xF2); the result is NFC."""
    assert encode_cp1258("Việt Nam") == b"Vi\xea\xf2t Nam"
    assert encode_cp1258("đồng") == b"\xf0\xf4\xccng"
    # 0xD2 is the combining hook above, 0xE1 a precomposed á, 0xE3 is ă (not ã) in this code page.
    decoded = decode_bytes(b"Vi\xea\xf2t Nam \xf0\xf4\xccng b\xf4\xf2 ca\xd2i c\xe1ch n\xe3m")
    assert decoded.text == "Việt Nam đồng bộ cải cách năm"
    assert unicodedata.is_normalized("NFC", decoded.text)
    assert decoded.encoding == "windows-1258"


@pytest.mark.parametrize(
    ("encode", "encoding"),
    [(encode_cp1258, "windows-1258"), (encode_vni, "vni"), (encode_tcvn3, "tcvn3")],
)
def test_legacy_round_trip_of_a_paragraph(encode, encoding: str) -> None:  # type: ignore[no-untyped-def]
    """A whole paragraph in each 8-bit encoding is detected and converted."""
    decoded = decode_bytes(encode(PLAN))
    assert decoded.encoding == encoding
    expected = PLAN if encoding != "tcvn3" else PLAN.replace("Ủy", "ủy")
    assert decoded.text == expected


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PLAN.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PLAN.encode("utf-8"), "utf-8"),
        (PLAN.encode("utf-16"), "utf-16-le"),
        (b"\xfe\xff" + PLAN.encode("utf-16-be"), "utf-16-be"),
        (PLAN.encode("utf-16-le"), "utf-16-le"),
        (PLAN.encode("utf-16-be"), "utf-16-be"),
        (PLAN.encode("utf-32"), "utf-32-le"),
    ],
)
def test_unicode_encodings(data: bytes, encoding: str) -> None:
    """UTF-8 (with or without BOM), UTF-16 (with or without BOM) and UTF-32 with BOM."""
    decoded = decode_bytes(data)
    assert decoded.text == PLAN
    assert decoded.encoding == encoding


def test_nfd_utf8_comes_out_nfc() -> None:
    """Text typed on a Mac (decomposed) is normalised."""
    decoded = decode_bytes(unicodedata.normalize("NFD", PLAN).encode("utf-8"))
    assert decoded.text == PLAN


@pytest.mark.parametrize(("encode", "name"), [(encode_tcvn3, "utf-8+tcvn3"), (encode_vni, "utf-8+vni")])
def test_legacy_glyphs_pasted_into_unicode_are_repaired(encode, name: str) -> None:  # type: ignore[no-untyped-def]
    """ "ViÖt Nam" saved as UTF-8 (copied from a .VnTime document) is converted too."""
    glyphs = encode(PLAN).decode("cp1252")
    decoded = decode_bytes(glyphs.encode("utf-8"))
    assert decoded.encoding == name
    assert decoded.text.lower() == PLAN.lower()


def test_utf8_foreign_text_is_left_alone() -> None:
    """French or English UTF-8 text is not "repaired" into Vietnamese."""
    text = "Le café est très chaud à Paris; résumé naïve. The quick brown fox."
    assert decode_bytes(text.encode("utf-8")).text == text


def test_score_prefers_real_vietnamese() -> None:
    assert vietnamese_score(PLAN) > 0.9
    assert vietnamese_score(encode_tcvn3(PLAN).decode("cp1252")) < 0.5
    assert vietnamese_score(encode_vni(PLAN).decode("cp1252")) < 0.5
    assert vietnamese_score("") == 0.0


def test_looks_binary() -> None:
    assert looks_binary(bytes(range(256)) * 4)
    assert looks_binary(b"\x00\x01\x02\x03 hello")
    assert not looks_binary(PLAN.encode("utf-8"))
    assert not looks_binary(PLAN.encode("utf-16-le"))
    assert not looks_binary(encode_tcvn3(PLAN))
