"""Evidence of PAR index scores: type by content, private storage, download by permission."""

from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.scoring.evidence import MAX_BYTES, MAX_FILES_PER_SCORE, score_evidence_add, score_evidence_remove
from cchc.scoring.models import Score, ScoreEvidence
from cchc.scoring.services import AppraisalDecision, assessment_submit, score_appraise, score_self
from cchc.scoring.tests.factories import Scene, make_scene

D = Decimal
HX = {"HTTP_HX_REQUEST": "true"}
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def scene(tree: Any, media: Path) -> Scene:
    return make_scene(tree)


def _score(scene: Scene, unit_code: str, code: str) -> Score:
    return Score.objects.get(assessment__round=scene.round, assessment__unit__code=unit_code, criterion__code=code)


def _add(scene: Scene, code: str = "2.1", name: str = "Quyết định công bố.pdf", data: bytes = PDF) -> ScoreEvidence:
    return score_evidence_add(
        actor=scene.focal_a, score=_score(scene, "SA", code), uploaded_file=SimpleUploadedFile(name, data)
    )


def _submit_sa(scene: Scene) -> None:
    for code in ("1.1", "1.2", "2.1", "2.2", "2.3"):
        score_self(actor=scene.focal_a, score=_score(scene, "SA", code), points=D(1))
    assessment_submit(actor=scene.focal_a, assessment=_score(scene, "SA", "1.1").assessment)


# -- the service ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [("Quyết định công bố.pdf", PDF, "application/pdf"), ("anh-niem-yet.PNG", PNG, "image/png")],
)
def test_a_real_file_is_stored_privately_with_the_checked_type(
    scene: Scene, media: Path, name: str, data: bytes, content_type: str
) -> None:
    evidence = _add(scene, name=name, data=data)
    assert (evidence.name, evidence.size, evidence.content_type) == (name, len(data), content_type)
    stored = Path(evidence.file.path)
    assert stored.is_relative_to(media / "scoring" / "evidence")
    assert len(stored.name) == 32  # random hex, no extension, not the original name
    assert stored.read_bytes() == data
    event = AuditEvent.objects.get(action="score_evidence.added")
    assert event.changes["name"] == [None, name]


@pytest.mark.parametrize(
    ("name", "data", "message"),
    [
        ("bao-cao.pdf", EXE, "Tệp “bao-cao.pdf”: nội dung không phải tệp PDF như phần đuôi tên tệp cho biết."),
        ("anh.png", PDF, "nội dung không phải tệp PNG"),
        ("setup.exe", EXE, "Tệp “setup.exe”: chỉ nhận tệp .pdf"),
        ("rong.pdf", b"", "Tệp “rong.pdf” rỗng."),
    ],
)
def test_a_disguised_or_unknown_file_is_refused(
    scene: Scene, media: Path, name: str, data: bytes, message: str
) -> None:
    with pytest.raises(ApplicationError) as caught:
        _add(scene, name=name, data=data)
    assert message in caught.value.message
    assert caught.value.extra["field"] == "file"
    assert not ScoreEvidence.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_a_file_over_10_mb_is_refused(scene: Scene) -> None:
    with pytest.raises(ApplicationError, match="quá lớn"):
        _add(scene, name="lon.pdf", data=PDF + b"\x00" * MAX_BYTES)


def test_a_score_takes_a_limited_number_of_files(scene: Scene, settings: Any) -> None:
    for number in range(MAX_FILES_PER_SCORE):
        _add(scene, name=f"tep-{number}.pdf")
    with pytest.raises(ApplicationError, match=f"tối đa {MAX_FILES_PER_SCORE} tệp"):
        _add(scene, name="mot-tep-nua.pdf")


def test_only_the_units_focal_point_adds_or_removes(scene: Scene) -> None:
    with pytest.raises(PermissionDeniedError):
        score_evidence_add(
            actor=scene.focal_b, score=_score(scene, "SA", "2.1"), uploaded_file=SimpleUploadedFile("a.pdf", PDF)
        )
    evidence = _add(scene)
    with pytest.raises(PermissionDeniedError):
        score_evidence_remove(actor=scene.office, evidence=evidence)


def test_after_submission_only_a_returned_criterion_takes_evidence(scene: Scene) -> None:
    _submit_sa(scene)
    with pytest.raises(ApplicationError, match="chỉ bổ sung được tài liệu cho tiêu chí bị trả lại"):
        _add(scene, "2.1")
    score_appraise(
        actor=scene.appraiser_b, score=_score(scene, "SA", "2.1"), decision=AppraisalDecision.RETURN,
        reason="Bổ sung quyết định công bố",
    )  # fmt: skip
    assert _add(scene, "2.1").score.criterion.code == "2.1"


def test_removing_deletes_the_row_now_and_the_file_on_commit(
    scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    evidence = _add(scene)
    stored = Path(evidence.file.path)
    with django_capture_on_commit_callbacks(execute=True):
        score_evidence_remove(actor=scene.focal_a, evidence=evidence)
    assert not ScoreEvidence.objects.exists()
    assert not stored.exists()
    assert AuditEvent.objects.filter(action="score_evidence.removed").count() == 1


# -- the pages -----------------------------------------------------------------------------


def test_uploading_through_the_page_shows_the_file_in_the_criterion(client: Client, scene: Scene) -> None:
    score = _score(scene, "SA", "2.1")
    client.force_login(scene.focal_a)
    upload = SimpleUploadedFile("Ảnh niêm yết.png", PNG, content_type="image/png")
    html = client.post(
        f"/chi-so-cchc/diem/{score.pk}/minh-chung/", {f"e{score.pk}-file": upload}, **HX
    ).content.decode()
    evidence = ScoreEvidence.objects.get(score=score)
    assert "Đã tải lên “Ảnh niêm yết.png”." in html
    assert f'href="/chi-so-cchc/minh-chung/{evidence.pk}/">Ảnh niêm yết.png</a>' in html
    assert evidence.content_type == "image/png"


def test_a_disguised_exe_is_refused_on_the_page_with_the_reason(client: Client, scene: Scene) -> None:
    score = _score(scene, "SA", "2.1")
    client.force_login(scene.focal_a)
    upload = SimpleUploadedFile("bien-ban.pdf", EXE, content_type="application/pdf")
    html = client.post(
        f"/chi-so-cchc/diem/{score.pk}/minh-chung/", {f"e{score.pk}-file": upload}, **HX
    ).content.decode()
    assert "Tệp “bien-ban.pdf”: nội dung không phải tệp PDF như phần đuôi tên tệp cho biết." in html
    assert 'class="error" role="alert"' in html
    assert not ScoreEvidence.objects.exists()


def test_uploading_to_another_units_score_is_404(client: Client, scene: Scene) -> None:
    score = _score(scene, "SA", "2.1")
    client.force_login(scene.focal_b)
    upload = SimpleUploadedFile("a.pdf", PDF)
    assert client.post(f"/chi-so-cchc/diem/{score.pk}/minh-chung/", {f"e{score.pk}-file": upload}).status_code == 404
    evidence = _add(scene)
    assert client.post(f"/chi-so-cchc/minh-chung/{evidence.pk}/xoa/", **HX).status_code == 404
    assert ScoreEvidence.objects.filter(pk=evidence.pk).exists()


def test_removing_through_the_page(client: Client, scene: Scene, django_capture_on_commit_callbacks: Any) -> None:
    evidence = _add(scene)
    client.force_login(scene.focal_a)
    with django_capture_on_commit_callbacks(execute=True):
        html = client.post(f"/chi-so-cchc/minh-chung/{evidence.pk}/xoa/", **HX).content.decode()
    assert "Đã xóa “Quyết định công bố.pdf”." in html
    assert not ScoreEvidence.objects.exists()


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("focal_a", True),  # the unit's users
        ("office", True),  # the round's managers
        ("appraiser_b", True),  # SB appraises domain 2, where the file is
        ("focal_b", False),  # another unit
    ],
)
def test_download_is_for_the_unit_its_appraisers_and_the_managers(
    client: Client, scene: Scene, who: str, allowed: bool
) -> None:
    evidence = _add(scene, "2.1")
    client.force_login(getattr(scene, who))
    response = client.get(f"/chi-so-cchc/minh-chung/{evidence.pk}/")
    if not allowed:
        assert response.status_code == 404
        assert not AuditEvent.objects.filter(action="score_evidence.downloaded").exists()
        return
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"
    event = AuditEvent.objects.get(action="score_evidence.downloaded")
    assert event.object_id == str(evidence.pk)


def test_an_appraiser_does_not_download_evidence_of_a_criterion_routed_elsewhere(client: Client, scene: Scene) -> None:
    evidence = _add(scene, "1.1")  # domain 1: appraised by SA, not SB
    client.force_login(scene.appraiser_b)
    assert client.get(f"/chi-so-cchc/minh-chung/{evidence.pk}/").status_code == 404
    assert client.get("/chi-so-cchc/minh-chung/999999/").status_code == 404


def test_download_needs_a_login(client: Client, scene: Scene) -> None:
    evidence = _add(scene)
    response = client.get(f"/chi-so-cchc/minh-chung/{evidence.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
