"""A unit as the issuer of a document (``organizations.issuers``)."""

from cchc.organizations.choices import UnitKind
from cchc.organizations.issuers import is_administrative, issuer_for_unit, issuer_in_text, issuer_name, place_name
from cchc.organizations.tests.factories import make_unit


def test_issuer_and_place_of_real_unit_names(db: None) -> None:
    province = make_unit(code="HD", kind=UnitKind.PROVINCE, name="Tỉnh Hải Dương")
    department = make_unit(code="HD.SNV", parent=province, name="Sở Nội vụ tỉnh Hải Dương")
    city = make_unit(code="HD.H288", parent=province, kind=UnitKind.DISTRICT, name="Thành phố Hải Dương")
    ward = make_unit(code="HD.H288.X1", parent=city, kind=UnitKind.COMMUNE, name="Phường Trần Phú")
    assert issuer_for_unit(province).name == "ỦY BAN NHÂN DÂN\nTỈNH HẢI DƯƠNG"
    assert issuer_for_unit(department).name == "SỞ NỘI VỤ"
    assert issuer_for_unit(department).parent == "UBND TỈNH HẢI DƯƠNG"
    assert issuer_for_unit(city).name == "ỦY BAN NHÂN DÂN\nTHÀNH PHỐ HẢI DƯƠNG"
    assert issuer_for_unit(city).parent == ""
    assert [place_name(unit) for unit in (province, department, city, ward)] == [
        "Hải Dương",
        "Hải Dương",
        "Hải Dương",
        "Trần Phú",
    ]


def test_issuer_in_a_sentence_drops_the_place_a_department_shares_with_its_province(db: None) -> None:
    province = make_unit(code="HD", kind=UnitKind.PROVINCE, name="Tỉnh Hải Dương")
    department = make_unit(code="HD.SNV", parent=province, name="Sở Nội vụ tỉnh Hải Dương")
    assert issuer_in_text(province) == "Ủy ban nhân dân tỉnh Hải Dương"
    assert issuer_in_text(department) == "Sở Nội vụ"
    assert issuer_name(province, as_parent=True) == "UBND TỈNH HẢI DƯƠNG"
    assert is_administrative(province)
    assert not is_administrative(department)
