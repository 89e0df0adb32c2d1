"""Evidence files: type and size limits, private storage, download through the task's view policy."""

import hashlib
import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.contrib.auth.models import AnonymousUser
from django.core.files import File
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import Http404
from django.test import RequestFactory
from django.urls import Resolver404, resolve

from cchc.accounts.choices import Role
from cchc.accounts.models import User
from cchc.accounts.tests.factories import make_user
from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError, PermissionDeniedError
from cchc.tasks.choices import TaskStatus, UpdateState
from cchc.tasks.evidence import (
    MAX_BYTES,
    MAX_FILES_PER_UPDATE,
    clean_file_name,
    evidence_add,
    evidence_download,
    evidence_open_for_user,
    evidence_remove,
)
from cchc.tasks.models import Evidence, TaskUpdate
from cchc.tasks.tests.factories import make_plan, make_task
from cchc.tasks.updates import task_update_create, task_update_return, task_update_submit

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32
OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 64 + b"This program cannot be run in DOS mode."


def _zip(*names: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return buffer.getvalue()


DOCX = _zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = _zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    root = tmp_path / "media"
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture
def people(tree: Any) -> dict[str, User]:
    return {
        "fp_lead": make_user(role=Role.FOCAL_POINT, unit=tree.dept_a, username="fp_lead"),
        "fp_coord": make_user(role=Role.FOCAL_POINT, unit=tree.district, username="fp_coord"),
        "outsider": make_user(role=Role.FOCAL_POINT, unit=tree.dept_b, username="outsider"),
        "office": make_user(role=Role.REFORM_OFFICE, unit=tree.province, username="office"),
    }


@pytest.fixture
def update(tree: Any, people: dict[str, User], media: Path) -> TaskUpdate:
    plan = make_plan(unit=tree.province)
    task = make_task(plan=plan, lead_unit=tree.dept_a, coordinating_units=[tree.district])
    return task_update_create(
        actor=people["fp_lead"], task=task, unit=tree.dept_a, progress=50, reported_status=TaskStatus.IN_PROGRESS
    )


def _add(
    update: TaskUpdate, actor: User, name: str = "Biên bản kiểm tra.pdf", data: bytes = PDF, **kw: Any
) -> Evidence:
    return evidence_add(actor=actor, update=update, uploaded_file=SimpleUploadedFile(name, data, **kw))


def _refusal(update: TaskUpdate, actor: User, name: str, data: bytes) -> ApplicationError:
    with pytest.raises(ApplicationError) as caught:
        _add(update, actor, name, data)
    return caught.value


# -- types and sizes ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "content_type"),
    [
        ("bao-cao.pdf", PDF, "application/pdf"),
        ("BAO-CAO.PDF", PDF, "application/pdf"),
        ("anh-hoi-nghi.png", PNG, "image/png"),
        ("anh-hoi-nghi.jpg", JPEG, "image/jpeg"),
        ("anh-hoi-nghi.jpeg", JPEG, "image/jpeg"),
        ("du-thao.doc", OLE2, "application/msword"),
        ("so-lieu.xls", OLE2, "application/vnd.ms-excel"),
        ("du-thao.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("so-lieu.xlsx", XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    ],
)
def test_accepted_types_are_stored_with_the_type_from_the_table(
    update: TaskUpdate, people: dict[str, User], name: str, data: bytes, content_type: str
) -> None:
    """The browser's claimed type is ignored; the stored one follows the checked format."""
    evidence = _add(update, people["fp_lead"], name, data, content_type="text/html")
    assert evidence.content_type == content_type
    assert evidence.original_name == name
    assert evidence.size == len(data)
    assert evidence.sha256 == hashlib.sha256(data).hexdigest()


def test_an_executable_renamed_pdf_is_refused_by_its_content(update: TaskUpdate, people: dict[str, User]) -> None:
    error = _refusal(update, people["fp_lead"], "bao-cao.pdf", EXE)
    assert error.code == "tasks.evidence_content"
    assert error.message == "Tệp “bao-cao.pdf”: nội dung không phải tệp PDF như phần đuôi tên tệp cho biết."
    assert error.extra["field"] == "file"
    assert not Evidence.objects.exists()


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("bao-cao.docx", PDF),  # a PDF renamed .docx
        ("bao-cao.docx", _zip("[Content_Types].xml", "xl/workbook.xml")),  # a spreadsheet renamed .docx
        ("bao-cao.docx", _zip("setup.exe")),  # any zip renamed .docx
        ("bao-cao.xlsx", b"PK\x03\x04 not really a zip"),
        ("anh.png", JPEG),
        ("anh.jpg", EXE),
        ("du-thao.doc", DOCX),
    ],
)
def test_content_must_match_the_extension(update: TaskUpdate, people: dict[str, User], name: str, data: bytes) -> None:
    assert _refusal(update, people["fp_lead"], name, data).code == "tasks.evidence_content"


@pytest.mark.parametrize("name", ["setup.exe", "tai-lieu.zip", "trang.html", "bao-cao", "bao-cao.pdf.exe"])
def test_other_extensions_are_refused(update: TaskUpdate, people: dict[str, User], name: str) -> None:
    error = _refusal(update, people["fp_lead"], name, PDF)
    assert error.code == "tasks.evidence_type"
    assert error.message == f"Tệp “{name}”: chỉ nhận tệp .pdf, .doc, .xls, .docx, .xlsx, .jpg, .jpeg, .png."


def test_a_file_without_a_name_is_refused(update: TaskUpdate, people: dict[str, User]) -> None:
    with pytest.raises(ApplicationError) as caught:
        evidence_add(actor=people["fp_lead"], update=update, uploaded_file=File(io.BytesIO(PDF)))
    assert caught.value.code == "tasks.evidence_type"


def test_an_11_mb_file_is_refused_and_nothing_is_stored(
    update: TaskUpdate, people: dict[str, User], media: Path
) -> None:
    data = PDF + b"0" * (11 * 1024 * 1024 - len(PDF))
    error = _refusal(update, people["fp_lead"], "ho-so-lon.pdf", data)
    assert error.code == "tasks.evidence_size"
    assert error.message == "Tệp “ho-so-lon.pdf” quá lớn (11,0 MB); giới hạn 10 MB."
    assert not Evidence.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_exactly_10_mb_is_accepted(update: TaskUpdate, people: dict[str, User]) -> None:
    data = PDF + b"0" * (MAX_BYTES - len(PDF))
    assert _add(update, people["fp_lead"], "vua-du.pdf", data).size == MAX_BYTES


def test_a_declared_size_that_lies_does_not_get_past_the_limit(update: TaskUpdate, people: dict[str, User]) -> None:
    """The limit is counted on the bytes read, not on what the upload says of itself."""
    upload = SimpleUploadedFile("ho-so.pdf", PDF + b"0" * MAX_BYTES)
    upload.size = 1024
    with pytest.raises(ApplicationError) as caught:
        evidence_add(actor=people["fp_lead"], update=update, uploaded_file=upload)
    assert caught.value.code == "tasks.evidence_size"


def test_an_empty_file_is_refused(update: TaskUpdate, people: dict[str, User]) -> None:
    error = _refusal(update, people["fp_lead"], "rong.pdf", b"")
    assert error.code == "tasks.evidence_empty"
    assert error.message == "Tệp “rong.pdf” rỗng."


def test_a_failure_after_storing_removes_the_file(
    update: TaskUpdate, people: dict[str, User], media: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit down")

    monkeypatch.setattr("cchc.tasks.evidence.audit_record", broken)
    with pytest.raises(RuntimeError):
        _add(update, people["fp_lead"])
    assert not Evidence.objects.exists()
    assert not any(path.is_file() for path in media.rglob("*"))


def test_the_same_content_is_attached_once(update: TaskUpdate, people: dict[str, User]) -> None:
    _add(update, people["fp_lead"], "a.pdf")
    assert _refusal(update, people["fp_lead"], "b.pdf", PDF).code == "tasks.evidence_duplicate"


def test_an_update_holds_a_bounded_number_of_files(update: TaskUpdate, people: dict[str, User]) -> None:
    for number in range(MAX_FILES_PER_UPDATE):
        _add(update, people["fp_lead"], f"{number}.pdf", PDF + str(number).encode())
    assert _refusal(update, people["fp_lead"], "them.pdf", PDF + b"x").code == "tasks.evidence_count"


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("C:\\Users\\an\\Biên bản.pdf", "Biên bản.pdf"),
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("bao\r\ncao.pdf", "baocao.pdf"),
        ("a" * 300 + ".pdf", "a" * 251 + ".pdf"),
        ("Bie\u0302n ba\u0309n.pdf", "Biên bản.pdf"),  # decomposed (macOS) → composed
    ],
)
def test_file_names_are_cleaned(raw: str, clean: str) -> None:
    assert clean_file_name(raw) == clean


# -- storage -----------------------------------------------------------------------------------


def test_files_are_stored_privately_under_a_random_name(
    update: TaskUpdate, people: dict[str, User], media: Path
) -> None:
    """Under MEDIA_ROOT/evidence/<plan>/<32 hex>, no extension, nowhere near static files or a URL."""
    evidence = _add(update, people["fp_lead"], "Biên bản.pdf")
    stored = Path(evidence.file.path)
    assert stored.is_file()
    assert stored.read_bytes() == PDF
    assert stored.parent == media / "evidence" / str(update.task.plan_id)
    assert len(stored.name) == 32
    assert int(stored.name, 16) >= 0
    assert stored.suffix == ""
    assert "Biên" not in evidence.file.name
    static_roots = [
        Path(django_settings.STATIC_ROOT),
        *(Path(p) for p in getattr(django_settings, "STATICFILES_DIRS", [])),
    ]
    assert not any(stored.is_relative_to(root) for root in static_roots)
    for url in (f"/{evidence.file.name}", f"/media/{evidence.file.name}", evidence.file.url):
        with pytest.raises(Resolver404):
            resolve(url)


def test_the_media_root_of_the_site_is_var_media_outside_static() -> None:
    media_root = Path(django_settings.MEDIA_ROOT)
    assert media_root.parts[-2:] == ("var", "media")
    assert not media_root.is_relative_to(Path(django_settings.STATIC_ROOT))
    assert not Path(django_settings.STATIC_ROOT).is_relative_to(media_root)


def test_adding_is_audited(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"])
    event = AuditEvent.objects.get(action="evidence.added")
    assert event.object_id == str(evidence.pk)
    assert event.actor == people["fp_lead"]
    assert event.unit == update.unit
    assert event.changes["original_name"] == [None, "Biên bản kiểm tra.pdf"]
    assert event.changes["sha256"] == [None, hashlib.sha256(PDF).hexdigest()]


# -- who may add and remove --------------------------------------------------------------------


def test_evidence_is_added_only_while_the_update_is_editable(update: TaskUpdate, people: dict[str, User]) -> None:
    task_update_submit(actor=people["fp_lead"], update=update)
    with pytest.raises(ApplicationError) as caught:
        _add(update, people["fp_lead"])
    assert caught.value.code == "tasks.update_locked"
    task_update_return(actor=people["office"], update=update, reason="Thiếu biên bản.")
    assert _add(update, people["fp_lead"]).update == update


@pytest.mark.parametrize("role", ["fp_coord", "outsider"])
def test_evidence_is_added_only_by_the_units_reporters(update: TaskUpdate, people: dict[str, User], role: str) -> None:
    with pytest.raises(PermissionDeniedError):
        _add(update, people[role])
    assert not Evidence.objects.exists()


def test_removing_deletes_the_row_now_and_the_file_on_commit(
    update: TaskUpdate, people: dict[str, User], django_capture_on_commit_callbacks: Any
) -> None:
    evidence = _add(update, people["fp_lead"])
    stored, pk = Path(evidence.file.path), evidence.pk
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        evidence_remove(actor=people["fp_lead"], evidence=evidence)
    assert not Evidence.objects.filter(pk=pk).exists()
    assert stored.exists()  # until the transaction commits
    for callback in callbacks:
        callback()
    assert not stored.exists()
    assert AuditEvent.objects.filter(action="evidence.removed", object_id=str(pk)).exists()


def test_removing_follows_the_same_rules_as_adding(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"])
    with pytest.raises(PermissionDeniedError):
        evidence_remove(actor=people["outsider"], evidence=evidence)
    task_update_submit(actor=people["fp_lead"], update=update)
    with pytest.raises(ApplicationError) as caught:
        evidence_remove(actor=people["fp_lead"], evidence=evidence)
    assert caught.value.code == "tasks.update_locked"
    assert Evidence.objects.filter(pk=evidence.pk).exists()


# -- opening and downloading -------------------------------------------------------------------


def test_open_for_user_gives_the_file_to_whoever_sees_the_task(update: TaskUpdate, people: dict[str, User]) -> None:
    """Before acceptance only the unit's reporters and the reviewers; after it, every task viewer."""
    evidence = _add(update, people["fp_lead"])
    for role in ("fp_lead", "office"):
        found, handle = evidence_open_for_user(user=people[role], evidence_id=evidence.pk)
        with handle:
            assert found == evidence
            assert handle.read() == PDF
    with pytest.raises(Http404):
        evidence_open_for_user(user=people["fp_coord"], evidence_id=evidence.pk)
    TaskUpdate.objects.filter(pk=update.pk).update(state="accepted")
    found, handle = evidence_open_for_user(user=people["fp_coord"], evidence_id=evidence.pk)
    with handle:
        assert handle.read() == PDF


def test_open_for_user_is_404_outside_the_scope_and_for_unknown_ids(
    update: TaskUpdate, people: dict[str, User]
) -> None:
    evidence = _add(update, people["fp_lead"])
    with pytest.raises(Http404):
        evidence_open_for_user(user=people["outsider"], evidence_id=evidence.pk)
    with pytest.raises(Http404):
        evidence_open_for_user(user=AnonymousUser(), evidence_id=evidence.pk)
    with pytest.raises(Http404):
        evidence_open_for_user(user=people["office"], evidence_id=evidence.pk + 1000)


def test_open_for_user_is_404_when_the_file_is_gone(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"])
    Path(evidence.file.path).unlink()
    with pytest.raises(Http404):
        evidence_open_for_user(user=people["fp_lead"], evidence_id=evidence.pk)


def _get(user: Any, evidence_id: int, method: str = "get") -> Any:
    request = getattr(RequestFactory(), method)(f"/ke-hoach/minh-chung/{evidence_id}/")
    request.user = user
    return evidence_download(request, evidence_id)


def test_download_sends_an_attachment_with_the_original_name_and_type(
    update: TaskUpdate, people: dict[str, User]
) -> None:
    evidence = _add(update, people["fp_lead"], "Biên bản kiểm tra.pdf")
    response = _get(people["office"], evidence.pk)
    try:
        assert response.status_code == 200
        assert response["Content-Type"] == "application/pdf"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "filename*=utf-8''Bi%C3%AAn%20b%E1%BA%A3n%20ki%E1%BB%83m%20tra.pdf" in response["Content-Disposition"]
        assert response["Content-Length"] == str(len(PDF))
        assert "no-store" in response["Cache-Control"]
        assert b"".join(response.streaming_content) == PDF
    finally:
        response.close()


def test_download_keeps_the_stored_type_for_an_image(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"], "anh.png", PNG, content_type="text/html")
    response = _get(people["office"], evidence.pk)
    response.close()
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("attachment;")


def test_download_is_404_for_an_unrelated_user(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"])
    with pytest.raises(Http404):
        _get(people["outsider"], evidence.pk)


def test_download_asks_an_anonymous_visitor_to_log_in(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"])
    response = _get(AnonymousUser(), evidence.pk)
    assert response.status_code == 302
    assert "/login/" in response["Location"]


def test_download_answers_get_and_head_only(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"])
    assert _get(people["fp_lead"], evidence.pk, "post").status_code == 405


def test_evidence_of_an_accepted_update_stays_downloadable(update: TaskUpdate, people: dict[str, User]) -> None:
    evidence = _add(update, people["fp_lead"])
    task_update_submit(actor=people["fp_lead"], update=update)
    update.refresh_from_db()
    assert update.state == UpdateState.SUBMITTED
    _, handle = evidence_open_for_user(user=people["office"], evidence_id=evidence.pk)
    handle.close()
