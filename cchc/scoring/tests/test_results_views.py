"""The results pages: who sees them, that their figures are ``round_results``, ties, sensitivity, downloads.

The managers' page answers the round's managers only (the reform office over the
issuing province); anyone else who is logged in gets a 404, as for a round that does
not exist, and an anonymous visitor is sent to log in. The public page answers
everyone once the round is published, and 404 before.
"""

import io
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

import docx
import pytest
from django.test import Client
from openpyxl import load_workbook

from cchc.accounts.choices import Role
from cchc.accounts.tests.factories import make_user
from cchc.scoring.exports import DOCX_CONTENT_TYPE, XLSX_CONTENT_TYPE
from cchc.scoring.selectors import round_results, round_sensitivity
from cchc.scoring.services import round_lock, round_publish
from cchc.scoring.tests.factories import make_scene
from cchc.scoring.tests.results_scene import (
    lock_and_publish,
    previous_year,
    scored_scene,
    sensitivity_scene,
    tie_scene,
)

XLSX_NAME = "xep-hang-chi-so-cchc-2023-so-ban-nganh.xlsx"


class _Tags(HTMLParser):
    """Every start tag with its attributes, in document order."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, {name: value or "" for name, value in attrs}))


def _tags(html: str, tag: str, attribute: str) -> list[dict[str, str]]:
    parser = _Tags()
    parser.feed(html)
    return [attrs for name, attrs in parser.tags if name == tag and attribute in attrs]


def _ranking(html: str) -> list[dict[str, str]]:
    return _tags(html, "tr", "data-rank")


def _url(scene: Any, suffix: str = "") -> str:
    return f"/chi-so-cchc/dot/{scene.round.pk}/ket-qua/{suffix}"


def _public(scene: Any, suffix: str = "") -> str:
    return f"/chi-so-cchc/cong-bo/{scene.round.pk}/{suffix}"


def _as(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


@pytest.fixture
def scene(tree: Any) -> Any:
    """The hand-computed scene (SB 87.50 %, SA 81.94 %, H1 0 %) with a published 2022 round."""
    scene = scored_scene(tree)
    previous_year(scene, tree)
    return scene


# -- who sees the managers' page -------------------------------------------------------------------


@pytest.mark.parametrize("suffix", ["", "xep-hang.xlsx", "phu-luc.docx"])
def test_only_the_rounds_managers_see_the_results_and_their_files(
    client: Client, tree: Any, scene: Any, suffix: str
) -> None:
    others = [
        scene.focal_a,  # the own unit's focal point: sees its assessment, not the ranking
        scene.focal_b,
        scene.appraiser_a,
        make_user(role=Role.REFORM_OFFICE, unit=tree.dept_b),  # a reform role below the issuing province
        make_user(role=Role.LEADER, unit=tree.province),
    ]
    assert _as(client, scene.office).get(_url(scene, suffix)).status_code == 200
    for user in others:
        assert _as(client, user).get(_url(scene, suffix)).status_code == 404, user
    assert _as(client, scene.office).get(f"/chi-so-cchc/dot/{scene.round.pk + 999}/ket-qua/").status_code == 404


def test_an_anonymous_visitor_is_sent_to_log_in(client: Client, scene: Any) -> None:
    response = client.get(_url(scene))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


# -- what the page shows ---------------------------------------------------------------------------


def test_the_ranking_shows_round_results(client: Client, scene: Any) -> None:
    response = _as(client, scene.office).get(_url(scene))

    assert response.status_code == 200
    html = response.content.decode()
    rows = _ranking(html)
    expected = round_results(assessment_round=scene.round).units
    assert [row["data-unit"] for row in rows] == [unit.unit_code for unit in expected] == ["SB", "SA", "H1"]
    for row, unit in zip(rows, expected, strict=True):
        assert row["data-rank"] == str(unit.rank)
        assert row["data-points"] == str(unit.result.points)
        assert row["data-maximum"] == str(unit.result.maximum)
        assert row["data-percent"] == str(unit.result.percent)
        assert row["data-band"] == unit.result.band
        assert row["data-change"] == str(unit.change)
    # By hand (results_scene): SA 14.75 / 18 = 81.94 % (B), 2nd; 18.06 points below its 100 % of 2022.
    sa = rows[1]
    assert (sa["data-points"], sa["data-maximum"], sa["data-percent"], sa["data-band"]) == (
        "14.75",
        "18.00",
        "81.94",
        "B",
    )
    assert "<strong>81,94</strong>" in html  # shown with a decimal comma
    assert "▼ 18,06" in html
    assert "▲ 87,50" in html
    # Points per domain over the unit's own maximum: SA's domain 2 lost 2.2 ("không phát sinh").
    cells = {(c["data-domain"]): c for c in _tags(html, "td", "data-domain")[2:4]}
    assert (cells["1"]["data-points"], cells["1"]["data-maximum"]) == ("3.50", "4.00")
    assert (cells["2"]["data-points"], cells["2"]["data-maximum"]) == ("3.25", "4.00")
    # H1 has five criteria without an appraisal, counted 0.
    assert _ranking(html)[2]["data-unscored"] == "5"
    assert "5 tiêu chí chưa thẩm định" in html
    assert 'data-testid="unscored-warning"' in html
    assert 'data-testid="provisional"' in html  # the round is still open
    # Plain averages of the three units.
    assert 'data-percent="56.48"' in html


def test_ties_share_a_rank_and_the_next_rank_is_skipped(client: Client, tree: Any) -> None:
    scene = tie_scene(tree)
    html = _as(client, scene.office).get(_url(scene)).content.decode()

    assert [(row["data-unit"], row["data-rank"]) for row in _ranking(html)] == [("SA", "1"), ("SB", "1"), ("H1", "3")]
    assert html.count('<td class="num rank">1<abbr class="muted small" title="Đồng hạng">=</abbr></td>') == 2
    assert '<td class="num rank">3</td>' in html
    assert "Năm trước chưa có kết quả" in html  # no 2022 round: no change shown


def test_the_sensitivity_table_names_the_units_that_move(client: Client, tree: Any) -> None:
    scene = sensitivity_scene(tree)
    html = _as(client, scene.office).get(_url(scene)).content.decode()

    assert 'data-testid="sensitivity"' in html
    lines = {(row["data-domain"], row["data-change"]): row for row in _tags(html, "tr", "data-moves")}
    assert set(lines) == {("1", "-10"), ("1", "10"), ("2", "-10"), ("2", "10")}
    # By hand (results_scene.sensitivity_scene): SA and SB swap at domain 1 × 0.9 and domain 2 × 1.1.
    assert {key: row["data-moves"] for key, row in lines.items()} == {
        ("1", "-10"): "2", ("1", "10"): "0", ("2", "-10"): "0", ("2", "10"): "2",
    }  # fmt: skip
    assert lines[("1", "-10")].get("class") == "moved"
    assert "class" not in lines[("1", "10")]
    moves = [(m["data-unit"], m["data-moved"]) for m in _tags(html, "span", "data-moved")]
    assert moves == [("SB", "-1"), ("SA", "1"), ("SB", "-1"), ("SA", "1")]
    assert "Sở B: hạng 2 → 1 (▲ 1)" in html
    assert "Sở A: hạng 1 → 2 (▼ 1)" in html
    # The same as the selector.
    computed = round_sensitivity(results=round_results(assessment_round=scene.round))
    assert [sum(1 for moved in row.moved.values() if moved) for row in computed] == [2, 0, 0, 2]


def test_the_band_thresholds_are_listed(client: Client, scene: Any) -> None:
    html = _as(client, scene.office).get(_url(scene)).content.decode()

    assert [band["data-band"] for band in _tags(html, "tr", "data-band") if "data-unit" not in band] == ["A", "B", "C"]
    assert "từ 90 % trở lên" in html
    assert "từ 80 % đến dưới 90 %" in html
    assert "dưới 80 %" in html


def test_the_domain_profile_of_the_first_unit_and_of_a_chosen_one_through_htmx(client: Client, scene: Any) -> None:
    client = _as(client, scene.office)
    html = client.get(_url(scene)).content.decode()
    bars = {bar["data-domain"]: bar["data-percent"] for bar in _tags(html, "g", "data-domain")}
    assert bars == {"1": "100.00", "2": "66.67"}  # SB: 4 / 4 and 4 / 6

    response = client.get(_url(scene), {"don_vi": "SA"}, HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    partial = response.content.decode()
    assert partial.startswith('<section id="profile"')
    assert "<html" not in partial
    assert 'data-testid="ranking"' not in partial
    # SA: 3.5 / 4 and 3.25 / 4 (2.2 removed); the cohort's averages are ticks.
    assert {bar["data-domain"]: bar["data-percent"] for bar in _tags(partial, "g", "data-domain")} == {
        "1": "87.50",
        "2": "81.25",
    }
    assert '<option value="SA" selected>' in partial
    assert "Bình quân của nhóm: 62,50 %" in partial  # domain 1: (100 + 87.5 + 0) / 3
    assert "HX-Request" in response["Vary"]


# -- downloads -------------------------------------------------------------------------------------


def test_the_xlsx_download(client: Client, scene: Any) -> None:
    response = _as(client, scene.office).get(_url(scene, "xep-hang.xlsx"))

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="{XLSX_NAME}"; ')
    assert f"filename*=UTF-8''{quote('Xếp hạng Chỉ số CCHC 2023 - Sở, ban, ngành.xlsx')}" in disposition
    assert disposition.isascii()
    assert response["Cache-Control"] == "private, no-store"
    sheet = load_workbook(io.BytesIO(response.content))["Xếp hạng"]
    assert [cell.value for cell in sheet["B"]][1:] == ["SB", "SA", "H1"]


def test_the_docx_download_takes_the_number_and_signer_from_the_form(client: Client, scene: Any) -> None:
    response = _as(client, scene.office).get(
        _url(scene, "phu-luc.docx"), {"so": "125/QĐ-UBND", "chuc_vu": "KT. CHỦ TỊCH", "nguoi_ky": "Trần Thị Bình"}
    )

    assert response.status_code == 200
    assert response["Content-Type"] == DOCX_CONTENT_TYPE
    assert 'filename="phu-luc-ket-qua-chi-so-cchc-2023-so-ban-nganh.docx"' in response["Content-Disposition"]
    document = docx.Document(io.BytesIO(response.content))
    header, table, closing = document.tables
    assert header.cell(1, 0).text == "Số: 125/QĐ-UBND"
    assert header.cell(1, 1).text.startswith("Thử Nghiệm, ngày")
    assert len(table.rows) == 5
    assert "Trần Thị Bình" in closing.cell(0, 1).text
    assert "KT. CHỦ TỊCH" in closing.cell(0, 1).text


def test_the_docx_form_drops_characters_a_document_cannot_hold(client: Client, scene: Any) -> None:
    response = _as(client, scene.office).get(
        _url(scene, "phu-luc.docx"), {"so": "12\x00/QĐ-UBND\x07", "nguoi_ky": "A\nB"}
    )

    assert response.status_code == 200
    header = docx.Document(io.BytesIO(response.content)).tables[0]
    assert header.cell(1, 0).text == "Số: 12/QĐ-UBND"


# -- the public ------------------------------------------------------------------------------------


def test_public_results_are_a_404_until_the_round_is_published(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)
    for suffix in ("", "xep-hang.csv", "xep-hang.xlsx"):
        assert client.get(_public(scene, suffix)).status_code == 404
    round_lock(actor=scene.office, assessment_round=scene.round)
    assert client.get(_public(scene)).status_code == 404
    assert 'data-testid="no-results"' in client.get("/chi-so-cchc/cong-bo/").content.decode()

    scene.round = round_publish(actor=scene.office, assessment_round=scene.round)

    response = client.get(_public(scene))
    assert response.status_code == 200
    html = response.content.decode()
    rows = _ranking(html)
    expected = round_results(assessment_round=scene.round).units
    assert [(r["data-unit"], r["data-rank"], r["data-percent"], r["data-band"]) for r in rows] == [
        (u.unit_code, str(u.rank), str(u.result.percent), u.result.band) for u in expected
    ]
    assert 'data-testid="sensitivity"' not in html
    assert 'data-testid="profile-chart"' in html
    assert 'data-testid="bands"' in html
    assert "chưa thẩm định" not in html  # no internal working notes in public
    assert client.get(_public(scene, "xep-hang.csv")).status_code == 200
    assert client.get(_public(scene, "xep-hang.xlsx")).status_code == 200


def test_the_public_list_shows_published_rounds_by_year(client: Client, tree: Any, scene: Any) -> None:
    lock_and_publish(scene)
    unpublished = make_scene(tree, year=2024)  # another cohort, still open

    html = client.get("/chi-so-cchc/cong-bo/").content.decode()

    assert [section["data-year"] for section in _tags(html, "section", "data-year")] == ["2023", "2022"]
    rounds = [int(item["data-round"]) for item in _tags(html, "li", "data-round")]
    assert scene.round.pk in rounds
    assert unpublished.round.pk not in rounds
    assert f'href="/chi-so-cchc/cong-bo/{scene.round.pk}/"' in html


def test_the_public_sees_last_years_change_only_once_published(client: Client, tree: Any) -> None:
    scene = scored_scene(tree)
    previous_year(scene, tree, publish=False)
    lock_and_publish(scene)

    html = client.get(_public(scene)).content.decode()

    assert {row["data-change"] for row in _ranking(html)} == {""}
    assert "▼" not in html
    # The managers see it.
    assert _ranking(_as(client, scene.office).get(_url(scene)).content.decode())[1]["data-change"] == "-18.06"


def test_public_downloads(client: Client, scene: Any) -> None:
    lock_and_publish(scene)

    response = client.get(_public(scene, "xep-hang.csv"))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert 'filename="xep-hang-chi-so-cchc-2023-so-ban-nganh.csv"' in response["Content-Disposition"]
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[2].startswith("2,SA,Sở A,3.50,3.25,8.00,14.75,18.00,81.94,B,2,")

    response = client.get(_public(scene, "xep-hang.xlsx"))
    assert response["Content-Type"] == XLSX_CONTENT_TYPE
    assert f'filename="{XLSX_NAME}"' in response["Content-Disposition"]


def test_the_public_profile_swaps_through_htmx(client: Client, scene: Any) -> None:
    lock_and_publish(scene)

    partial = client.get(_public(scene), {"don_vi": "H1"}, HTTP_HX_REQUEST="true").content.decode()

    assert partial.startswith('<section id="profile"')
    assert f'hx-get="/chi-so-cchc/cong-bo/{scene.round.pk}/"' in partial
    assert {bar["data-domain"]: bar["data-percent"] for bar in _tags(partial, "g", "data-domain")} == {
        "1": "0.00",
        "2": "0.00",
    }


def test_the_results_page_reads_in_a_bounded_number_of_queries(
    client: Client, scene: Any, django_assert_max_num_queries: Any
) -> None:
    client = _as(client, scene.office)
    with django_assert_max_num_queries(14):
        assert client.get(_url(scene)).status_code == 200


def test_a_round_without_assessments_shows_an_empty_ranking(client: Client, tree: Any) -> None:
    scene = make_scene(tree, open_round=False)

    response = _as(client, scene.office).get(_url(scene))

    assert response.status_code == 200
    html = response.content.decode()
    assert _ranking(html) == []
    assert "Đợt đánh giá chưa có đơn vị nào." in html
    assert "Chưa có kết quả để hiển thị." in html
    assert f'href="/chi-so-cchc/dot/{scene.round.pk}/"' in html  # back to the round's page
