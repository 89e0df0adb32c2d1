"""Evidence files of progress updates: checked on the way in, kept private, served by permission.

Accepted types (``ALLOWED_TYPES``): PDF, Word (``.doc``, ``.docx``), Excel (``.xls``,
``.xlsx``) and photos (``.jpg``/``.jpeg``, ``.png``) – what a unit's evidence is in
practice: the signed document (a PDF or a scan), its working file, a spreadsheet of
figures, a photo of an event. A file is accepted when its extension is one of these
**and** its first bytes are that format's signature (``%PDF-``; the OLE2 header for
``.doc``/``.xls``; a zip whose directory holds ``word/document.xml`` or
``xl/workbook.xml`` for ``.docx``/``.xlsx``; the JPEG and PNG headers), so an
executable renamed ``.pdf`` is refused. Zip archives are not accepted: they carry
any content past the type check, and a reviewer must be able to open the evidence
itself. The stored content type comes from this table, never from the browser.

Limits: ``MAX_BYTES`` (10 MB) a file, ``MAX_FILES_PER_UPDATE`` files an update.

Storage: the default storage under ``MEDIA_ROOT`` (``var/media``), at
``evidence/<plan id>/<random hex>`` without extension (``models.evidence_path``); the
original name lives in the row only. ``MEDIA_ROOT`` is never served by the web
server or by ``static``: the only way out is ``evidence_download``, which goes
through ``evidence_open_for_user`` (the task's "view" policy; anything else is 404).

Adding and removing follow the update: only while it is a draft or returned, only by
a reporter of its unit (``updates.task_update_require_reporter``).
"""

import hashlib
import logging
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.files import File
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from cchc.audit.services import audit_record
from cchc.core.errors import ApplicationError
from cchc.tasks.models import Evidence, TaskUpdate
from cchc.tasks.policies import task_policy
from cchc.tasks.updates import (
    task_update_can_see_papers,
    task_update_lock,
    task_update_require_editable,
    task_update_require_reporter,
)

logger = logging.getLogger(__name__)

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES_PER_UPDATE = 20
MAX_NAME_LENGTH = 255
_HEAD_BYTES = 16

_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = b"PK\x03\x04"


def _ooxml(part: str) -> Callable[[bytes, File[Any]], bool]:
    """An Office Open XML file: a zip whose directory names ``part`` and the content-types part."""

    def check(head: bytes, file: File[Any]) -> bool:
        if not head.startswith(_ZIP):
            return False
        try:
            file.seek(0)
            with zipfile.ZipFile(file) as archive:  # reads the directory only, inflates nothing
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, EOFError, ValueError):
            return False
        return "[Content_Types].xml" in names and part in names

    return check


def _starts_with(*signatures: bytes) -> Callable[[bytes, File[Any]], bool]:
    return lambda head, _file: head.startswith(signatures)


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    matches: Callable[[bytes, File[Any]], bool]


_PDF = FileType("PDF", "application/pdf", _starts_with(b"%PDF-"))
_JPEG = FileType("JPEG", "image/jpeg", _starts_with(b"\xff\xd8\xff"))

#: Extension (lower case, no dot) → what the content must be.
ALLOWED_TYPES: dict[str, FileType] = {
    "pdf": _PDF,
    "doc": FileType("Word", "application/msword", _starts_with(_OLE2)),
    "xls": FileType("Excel", "application/vnd.ms-excel", _starts_with(_OLE2)),
    "docx": FileType(
        "Word",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        _ooxml("word/document.xml"),
    ),
    "xlsx": FileType(
        "Excel",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        _ooxml("xl/workbook.xml"),
    ),
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "png": FileType("PNG", "image/png", _starts_with(b"\x89PNG\r\n\x1a\n")),
}
ALLOWED_EXTENSIONS = tuple(f".{ext}" for ext in ALLOWED_TYPES)


def clean_file_name(name: str) -> str:
    """The last path part of ``name`` without control characters, at most 255 characters.

    Browsers send a bare name, but some send a Windows path; the name is shown and
    sent back in ``Content-Disposition``, so nothing that could split a header stays.
    A long name is cut in its stem, keeping the extension.
    """
    base = PurePosixPath(name.replace("\\", "/")).name
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C").strip()
    if len(base) <= MAX_NAME_LENGTH:
        return base
    suffix = PurePosixPath(base).suffix[:16]
    return base[: MAX_NAME_LENGTH - len(suffix)] + suffix


def _refuse(message: str, code: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, code=code, extra={"field": "file", **extra})


def _file_type(name: str) -> FileType:
    """The type the extension of ``name`` promises; raises ``ApplicationError`` for any other."""
    extension = PurePosixPath(name).suffix.lower().lstrip(".")
    file_type = ALLOWED_TYPES.get(extension)
    if file_type is None:
        raise _refuse(
            _("Tệp “%(name)s”: chỉ nhận tệp %(allowed)s.") % {"name": name, "allowed": ", ".join(ALLOWED_EXTENSIONS)},
            "tasks.evidence_type",
        )
    return file_type


def _check_content(name: str, file_type: FileType, uploaded_file: File[Any]) -> None:
    """Raise ``ApplicationError`` unless the content starts with ``file_type``'s signature."""
    uploaded_file.seek(0)
    head = uploaded_file.read(_HEAD_BYTES)
    if not file_type.matches(head, uploaded_file):
        raise _refuse(
            _("Tệp “%(name)s”: nội dung không phải tệp %(label)s như phần đuôi tên tệp cho biết.")
            % {"name": name, "label": file_type.label},
            "tasks.evidence_content",
        )


def _size_error(name: str, size: int) -> ApplicationError:
    return _refuse(
        _("Tệp “%(name)s” quá lớn (%(size)s MB); giới hạn %(limit)s MB.")
        % {
            "name": name,
            "size": f"{size / (1024 * 1024):.1f}".replace(".", ","),
            "limit": MAX_BYTES // (1024 * 1024),
        },
        "tasks.evidence_size",
    )


def _measure(name: str, uploaded_file: File[Any]) -> tuple[int, str]:
    """Size and SHA-256 of the content, reading it in chunks; refuses empty and oversized files."""
    declared = uploaded_file.size
    if declared is not None and declared > MAX_BYTES:
        raise _size_error(name, declared)
    digest = hashlib.sha256()
    size = 0
    uploaded_file.seek(0)
    for chunk in uploaded_file.chunks():
        size += len(chunk)
        if size > MAX_BYTES:
            raise _size_error(name, size)
        digest.update(chunk)
    if size == 0:
        raise _refuse(_("Tệp “%(name)s” rỗng.") % {"name": name}, "tasks.evidence_empty")
    return size, digest.hexdigest()


@transaction.atomic
def evidence_add(*, actor: Any, update: TaskUpdate, uploaded_file: File[Any]) -> Evidence:
    """Attach ``uploaded_file`` to ``update`` as evidence, stored privately under a random name.

    Checks, in order: the actor reports for the update's unit, the update is a draft
    or returned, it has fewer than ``MAX_FILES_PER_UPDATE`` files, the type
    by extension, the size (``MAX_BYTES``, not empty), the type by content, and that the same
    content is not already attached. Raises ``PermissionDeniedError`` or
    ``ApplicationError`` (codes ``tasks.evidence_*``, ``extra["field"] == "file"``).
    If saving the row fails after the file was written, the file is deleted; a
    rollback of an enclosing transaction leaves an unreferenced file behind (harmless:
    nothing can reach it).
    """
    task_update_lock(update)
    task_update_require_reporter(actor, update)
    task_update_require_editable(update)
    name = clean_file_name(uploaded_file.name or "")
    if update.evidence.count() >= MAX_FILES_PER_UPDATE:
        raise _refuse(
            _("Mỗi báo cáo tiến độ đính kèm tối đa %(limit)s tệp minh chứng.") % {"limit": MAX_FILES_PER_UPDATE},
            "tasks.evidence_count",
        )
    file_type = _file_type(name)
    size, sha256 = _measure(name, uploaded_file)
    _check_content(name, file_type, uploaded_file)
    if update.evidence.filter(sha256=sha256).exists():
        raise _refuse(
            _("Tệp “%(name)s” đã được đính kèm vào báo cáo này.") % {"name": name}, "tasks.evidence_duplicate"
        )
    evidence = Evidence(
        update=update,
        original_name=name,
        content_type=file_type.content_type,
        size=size,
        sha256=sha256,
        uploaded_by=actor,
    )
    uploaded_file.seek(0)
    evidence.file.save(name, uploaded_file, save=False)  # the name is replaced by evidence_path
    try:
        evidence.save()
        audit_record(
            actor=actor,
            action="evidence.added",
            obj=evidence,
            unit=update.unit,
            changes={
                "update": [None, update.pk],
                "original_name": [None, name],
                "content_type": [None, file_type.content_type],
                "size": [None, size],
                "sha256": [None, sha256],
            },
        )
    except BaseException:
        evidence.file.delete(save=False)
        raise
    return evidence


@transaction.atomic
def evidence_remove(*, actor: Any, evidence: Evidence) -> None:
    """Detach ``evidence`` from its update (a draft or returned one, by a reporter of its unit).

    The row goes now; the file is deleted once the transaction commits, so a rollback
    leaves the row pointing at a file that still exists.
    """
    update = evidence.update
    task_update_lock(update)
    task_update_require_reporter(actor, update)
    task_update_require_editable(update)
    audit_record(
        actor=actor,
        action="evidence.removed",
        obj=evidence,
        unit=update.unit,
        changes={"update": [update.pk, None], "original_name": [evidence.original_name, None]},
    )
    storage, stored_name = evidence.file.storage, evidence.file.name
    evidence.delete()
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))


def evidence_open_for_user(*, user: Any, evidence_id: int) -> tuple[Evidence, File[Any]]:
    """The evidence ``evidence_id`` and its file opened for reading, if ``user`` may view its task.

    Raises ``Http404`` when the evidence does not exist, belongs to a task outside the
    user's "view" scope (the same answer, so ids cannot be probed), belongs to an update
    not yet accepted that the user neither reports for nor reviews, or its file is
    missing from storage (logged). The caller closes the handle (``FileResponse`` does).
    """
    visible = Evidence.objects.select_related("update__task").filter(
        update__task__in=task_policy.scope(user, "view").values("pk")
    )
    try:
        evidence = visible.get(pk=evidence_id)
    except Evidence.DoesNotExist as exc:
        raise Http404 from exc
    if not task_update_can_see_papers(user=user, update=evidence.update):
        raise Http404  # a unit's working papers until the update is accepted
    try:
        handle = evidence.file.storage.open(evidence.file.name, "rb")
    except FileNotFoundError as exc:
        logger.error("Evidence %s: file %s is missing from storage.", evidence.pk, evidence.file.name)
        raise Http404 from exc
    return evidence, handle


@login_required
@require_safe
def evidence_download(request: HttpRequest, evidence_id: int) -> FileResponse:
    """Send an evidence file as an attachment under its original name (404 outside the user's scope).

    The type is the one recorded at upload; ``nosniff`` and a sandboxing CSP keep a
    browser from running anything in it, and ``no-store`` keeps it out of shared caches.
    """
    evidence, handle = evidence_open_for_user(user=request.user, evidence_id=evidence_id)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
