"""Read an uploaded plan document into lines of NFC text.

``read_document(name, data)`` accepts plain text in any encoding that
:mod:`cchc.documents.encodings` knows, Word ``.docx`` (paragraphs, list numbers and
tables in document order), PDF with a text layer, and scans (PDF pages without text,
PNG/JPEG/TIFF/BMP/GIF images) through Tesseract OCR with the Vietnamese model.

Every refusal is an :class:`~cchc.core.errors.ApplicationError` whose Vietnamese message
names the file and says what to do. The module is pure (bytes in, text out) apart from
running the external ``tesseract`` and ``pdftoppm`` programs, which sit behind the small
:class:`OcrEngine` and :class:`PdfRasterizer` interfaces so tests can swap them.
"""

from __future__ import annotations

import functools
import io
import shutil
import struct
import subprocess
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal, Protocol

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph
from pypdf import PdfReader

from cchc.core.errors import ApplicationError
from cchc.documents.encodings import decode_bytes, looks_binary

__all__ = [
    "DEFAULT_MAX_BYTES",
    "INSTALL_TESSERACT",
    "OcrEngine",
    "PdfRasterizer",
    "PdftoppmRasterizer",
    "ReadResult",
    "TesseractOcr",
    "read_document",
    "split_lines",
]

DocumentKind = Literal["text", "docx", "pdf", "ocr"]

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
# A .docx is a zip: refuse archives that would inflate far beyond any real plan.
MAX_DOCX_UNPACKED = 200 * 1024 * 1024
INSTALL_TESSERACT = "Chưa cài Tesseract OCR. Cài bằng: sudo apt-get install tesseract-ocr tesseract-ocr-vie"
INSTALL_POPPLER = "sudo apt-get install poppler-utils"
OCR_DPI = 300
# A page with fewer letters or digits than this has no usable text layer.
MIN_PAGE_TEXT = 10
# OCR takes seconds per page: refuse scans longer than any plan.
MAX_OCR_PAGES = 60


@dataclass(slots=True)
class ReadResult:
    """A document read into text.

    ``text`` is ``"\\n".join(lines)``. ``page_starts`` holds the 0-based index in ``lines``
    where each page begins (``[0]`` for formats without pages). ``encoding`` is set for
    plain-text files. ``warnings`` are Vietnamese notes for the person importing.
    """

    text: str
    lines: list[str]
    kind: DocumentKind
    warnings: list[str] = field(default_factory=list)
    encoding: str | None = None
    page_starts: list[int] = field(default_factory=lambda: [0])


# --------------------------------------------------------------------------- messages


def _quote(name: str) -> str:
    return f"“{name}”"


def _mb(size: int) -> str:
    """Bytes as megabytes, Vietnamese style: one decimal, decimal comma ("50,0")."""
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def _limit_mb(size: int) -> str:
    whole, rest = divmod(size, 1024 * 1024)
    return str(whole) if rest == 0 else _mb(size)


def _error(message: str, code: str, name: str, **extra: Any) -> ApplicationError:
    return ApplicationError(message, code=f"documents.{code}", extra={"file": name, **extra})


def _unreadable(name: str, why: str = "") -> ApplicationError:
    message = f"Tệp {_quote(name)} không phải văn bản, Word (.docx) hay PDF đọc được."
    return _error(f"{message} {why}".strip(), "unreadable", name)


# --------------------------------------------------------------------------- OCR interfaces


class OcrEngine(Protocol):
    """Turns one image (PNG, JPEG, TIFF …) into text; raises ``ApplicationError`` when unavailable."""

    def recognize(self, image: bytes, *, name: str, dpi: int | None = None) -> str: ...


class PdfRasterizer(Protocol):
    """Renders one PDF page (1-based) to PNG bytes; ``None`` when the tool is missing."""

    def render(self, pdf: bytes, page: int, *, dpi: int) -> bytes | None: ...


@functools.cache
def _tesseract_languages(binary: str) -> frozenset[str]:
    try:
        done = subprocess.run(  # noqa: S603 - fixed argument list, binary found by shutil.which
            [binary, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return frozenset()
    # The first line is a header ("List of available languages in …").
    return frozenset(line.strip() for line in (done.stdout + done.stderr).splitlines()[1:] if line.strip())


@dataclass(frozen=True, slots=True)
class TesseractOcr:
    """OCR through the ``tesseract`` command with the Vietnamese model (``-l vie``)."""

    binary: str = "tesseract"
    language: str = "vie"
    timeout: float = 180.0

    def _resolve(self, name: str) -> str:
        path = shutil.which(self.binary)
        if path is None:
            raise _error(f"{INSTALL_TESSERACT} (cần để nhận dạng chữ trong tệp {_quote(name)}).", "ocr_missing", name)
        if self.language not in _tesseract_languages(path):
            raise _error(
                f"{INSTALL_TESSERACT} (Tesseract đã có nhưng thiếu mô hình tiếng Việt “{self.language}”, "
                f"cần để nhận dạng chữ trong tệp {_quote(name)}).",
                "ocr_missing",
                name,
            )
        return path

    def recognize(self, image: bytes, *, name: str, dpi: int | None = None) -> str:
        binary = self._resolve(name)
        command = [binary, "stdin", "stdout", "-l", self.language]
        if dpi:
            command += ["--dpi", str(dpi)]
        try:
            done = subprocess.run(  # noqa: S603 - fixed argument list; the image goes through stdin
                command, input=image, capture_output=True, timeout=self.timeout, check=False
            )
        except subprocess.TimeoutExpired as exc:
            raise _error(
                f"Nhận dạng chữ trong tệp {_quote(name)} quá lâu (quá {self.timeout:.0f} giây); "
                "hãy chia nhỏ tệp hoặc quét lại.",
                "ocr_failed",
                name,
            ) from exc
        if done.returncode != 0:
            detail = done.stderr.decode("utf-8", errors="replace").strip().splitlines()[-1:] or [""]
            raise _error(
                f"Tesseract không đọc được ảnh trong tệp {_quote(name)}: {detail[0]}".rstrip(": "),
                "ocr_failed",
                name,
            )
        return unicodedata.normalize("NFC", done.stdout.decode("utf-8", errors="replace"))


@dataclass(frozen=True, slots=True)
class PdftoppmRasterizer:
    """Renders PDF pages with poppler's ``pdftoppm``."""

    binary: str = "pdftoppm"
    timeout: float = 120.0

    def render(self, pdf: bytes, page: int, *, dpi: int) -> bytes | None:
        path = shutil.which(self.binary)
        if path is None:
            return None
        with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as tmp:
            source = Path(tmp) / "in.pdf"
            source.write_bytes(pdf)
            prefix = Path(tmp) / "page"
            command = [path, "-r", str(dpi), "-f", str(page), "-l", str(page), "-gray", "-png"]
            command += [str(source), str(prefix)]
            try:
                subprocess.run(  # noqa: S603 - fixed argument list on our own temporary files
                    command, capture_output=True, timeout=self.timeout, check=True
                )
            except (OSError, subprocess.SubprocessError):
                return None
            pages = sorted(Path(tmp).glob("page*.png"))
            return pages[0].read_bytes() if pages else None


# --------------------------------------------------------------------------- lines


def split_lines(text: str) -> tuple[list[str], list[int]]:
    """Split text into lines; a form feed starts a new page.

    Returns the lines (without line ends or form feeds) and the 0-based line index at
    which each page starts.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n").replace("\u2029", "\n")
    text = text.replace("\ufeff", "")
    lines: list[str] = []
    page_starts = [0]
    for raw in text.split("\n"):
        head, *tail = raw.split("\f")
        if not tail:
            lines.append(raw.rstrip())
            continue
        if head.strip():
            lines.append(head.rstrip())
        for piece in tail:
            if page_starts[-1] != len(lines):
                page_starts.append(len(lines))
            if piece.strip() or piece is tail[-1]:
                lines.append(piece.rstrip())
    while lines and not lines[-1].strip():
        lines.pop()
    return lines, [start for start in page_starts if start < len(lines)] or [0]


def _join_pages(pages: list[str]) -> tuple[list[str], list[int]]:
    lines: list[str] = []
    starts: list[int] = []
    for page in pages:
        page_lines, _ = split_lines(page.replace("\f", "\n"))
        starts.append(len(lines))
        lines.extend(page_lines)
    return lines, [s for s in starts if s < len(lines)] or [0]


def _has_image(page: Any) -> bool:
    try:
        return next(_page_scan_images(page), None) is not None
    except Exception:  # noqa: BLE001 - an unreadable image resource is treated as none
        return False


def _has_text(text: str, minimum: int = 1) -> bool:
    return sum(1 for c in text if c.isalnum()) >= minimum


# --------------------------------------------------------------------------- format detection

_IMAGE_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
)
_BINARY_EXTENSIONS = frozenset(
    {".pdf", ".docx", ".doc", ".xls", ".xlsx", ".ppt", ".pptx", ".odt", ".zip", ".rar", ".7z", ".exe"}
)


def _sniff(name: str, data: bytes) -> str:
    head = data[:1024]
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    for magic, kind in _IMAGE_MAGIC:
        if data.startswith(magic) and not (kind == "bmp" and not name.lower().endswith(".bmp")):
            return "image"
    if Path(name).suffix.lower() in _BINARY_EXTENSIONS:
        return "unknown"
    return "text"


# --------------------------------------------------------------------------- entry point


def read_document(
    name: str,
    data: bytes,
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    ocr: OcrEngine | None = None,
    rasterizer: PdfRasterizer | None = None,
) -> ReadResult:
    """Read one uploaded document into lines of NFC text.

    ``name`` is the file name shown in messages (its extension is only a hint: the
    bytes decide the format). Raises ``ApplicationError`` with a Vietnamese message for
    an empty, oversized, binary, encrypted or unreadable file, a scan when Tesseract (or
    its Vietnamese model) is not installed, and a scan in which no text was recognised.
    """
    if len(data) > max_bytes:
        raise _error(
            f"Tệp {_quote(name)} quá lớn ({_mb(len(data))} MB); giới hạn {_limit_mb(max_bytes)} MB.",
            "too_large",
            name,
            size=len(data),
            limit=max_bytes,
        )
    if not data.strip():
        raise _error(f"Tệp {_quote(name)} trống, không có nội dung để đọc.", "empty", name)
    engine: OcrEngine = ocr if ocr is not None else TesseractOcr()
    kind = _sniff(name, data)
    if kind == "pdf":
        return _read_pdf(name, data, engine, rasterizer or PdftoppmRasterizer())
    if kind == "zip":
        return _read_docx(name, data)
    if kind == "ole":
        raise _unreadable(name, "Đây là tệp Word/Excel đời cũ (.doc, .xls): hãy mở bằng Word và lưu thành .docx.")
    if kind == "image":
        return _read_image(name, data, engine)
    if kind == "unknown" or looks_binary(data):
        raise _unreadable(name)
    return _read_text(name, data)


def _read_text(name: str, data: bytes) -> ReadResult:
    decoded = decode_bytes(data)
    lines, page_starts = split_lines(decoded.text)
    if not _has_text(decoded.text):
        raise _error(f"Tệp {_quote(name)} không có chữ nào để đọc.", "no_text", name)
    warnings: list[str] = []
    if decoded.encoding not in {"utf-8", "utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"}:
        label = {
            "windows-1258": "Windows-1258",
            "vni": "VNI-Windows",
            "tcvn3": "TCVN3 (ABC)",
            "utf-8+vni": "VNI-Windows (đã dán vào tệp Unicode)",
            "utf-8+tcvn3": "TCVN3 (ABC) (đã dán vào tệp Unicode)",
        }.get(decoded.encoding, decoded.encoding)
        warnings.append(f"Tệp {_quote(name)} dùng bảng mã {label}; đã chuyển sang Unicode.")
        if "tcvn3" in decoded.encoding:
            warnings.append("Bảng mã TCVN3 không phân biệt chữ hoa có dấu: các chữ này được đọc thành chữ thường.")
    if decoded.score < 0.3:
        warnings.append(
            f"Nội dung tệp {_quote(name)} ít giống tiếng Việt (bảng mã đoán là {decoded.encoding}); hãy kiểm tra lại."
        )
    return ReadResult("\n".join(lines), lines, "text", warnings, decoded.encoding, page_starts)


# --------------------------------------------------------------------------- docx

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _read_docx(name: str, data: bytes) -> ReadResult:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise _unreadable(name) from exc
    if "word/document.xml" not in names:
        raise _unreadable(name, "Tệp nén này không phải tài liệu Word (.docx).")
    if unpacked > MAX_DOCX_UNPACKED:
        raise _error(
            f"Tệp {_quote(name)} quá lớn khi giải nén ({_mb(unpacked)} MB); "
            f"giới hạn {_limit_mb(MAX_DOCX_UNPACKED)} MB.",
            "too_large",
            name,
        )
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types on a damaged file
        raise _unreadable(name, "Tệp Word bị hỏng hoặc không đúng định dạng.") from exc
    numbering = _DocxNumbering(document)
    lines: list[str] = []
    for element in document.element.body.iterchildren():
        if element.tag == f"{_W}p":
            paragraph = Paragraph(element, document)
            text = paragraph.text
            label = numbering.label(paragraph)
            if label:
                text = f"{label} {text.lstrip()}"
            lines.extend(unicodedata.normalize("NFC", part).rstrip() for part in text.split("\n"))
        elif element.tag == f"{_W}tbl":
            lines.extend(_table_lines(Table(element, document)))
    while lines and not lines[-1].strip():
        lines.pop()
    if not _has_text("".join(lines)):
        raise _error(f"Tệp {_quote(name)} không có chữ nào để đọc.", "no_text", name)
    return ReadResult("\n".join(lines), lines, "docx")


def _table_lines(table: Any) -> Iterator[str]:
    """One line per row, cells joined by " | "; a merged cell's text appears once."""
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            same = cell._tc is previous  # a horizontally merged cell repeats itself
            previous = cell._tc
            text = "" if same else " ".join(part.strip() for part in cell.text.split("\n") if part.strip())
            cells.append(unicodedata.normalize("NFC", text.replace("|", "/")))
        if any(cells):
            yield " | ".join(cells).rstrip()


class _DocxNumbering:
    """Renders Word's automatic list numbers ("1.", "a)", "II.") that are not in the text.

    Plans typed with Word's numbering keep their "1." and "a)" only in numbering.xml;
    without them the outline parser would see bare paragraphs. Bullets become "-".
    """

    def __init__(self, document: Any) -> None:
        self._levels: dict[str, dict[int, tuple[str, str, int]]] = {}
        self._num_to_abstract: dict[str, str] = {}
        self._starts: dict[tuple[str, int], int] = {}
        self._counters: dict[str, dict[int, int]] = {}
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError, AttributeError):
            return
        for abstract in root.iterchildren(f"{_W}abstractNum"):
            abstract_id = abstract.get(f"{_W}abstractNumId")
            levels: dict[int, tuple[str, str, int]] = {}
            for lvl in abstract.iterchildren(f"{_W}lvl"):
                levels[int(lvl.get(f"{_W}ilvl", "0"))] = (
                    _child_val(lvl, "numFmt", "decimal"),
                    _child_val(lvl, "lvlText", ""),
                    _int(_child_val(lvl, "start", "1"), 1),
                )
            self._levels[abstract_id] = levels
        for num in root.iterchildren(f"{_W}num"):
            num_id = num.get(f"{_W}numId")
            self._num_to_abstract[num_id] = _child_val(num, "abstractNumId", "")
            for override in num.iterchildren(f"{_W}lvlOverride"):
                start = _child_val(override, "startOverride", "")
                if start:
                    self._starts[(num_id, int(override.get(f"{_W}ilvl", "0")))] = _int(start, 1)

    def label(self, paragraph: Any) -> str:
        num_id, ilvl = self._num_pr(paragraph)
        if not num_id or num_id == "0":
            return ""
        abstract_id = self._num_to_abstract.get(num_id, "")
        levels = self._levels.get(abstract_id)
        if not levels or ilvl not in levels:
            return ""
        counters = self._counters.setdefault(abstract_id, {})
        fmt, _, start = levels[ilvl]
        start = self._starts.get((num_id, ilvl), start)
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [lvl for lvl in counters if lvl > ilvl]:
            del counters[deeper]
        if fmt == "bullet":
            return "-"
        text = levels[ilvl][1]
        for lvl in range(ilvl + 1):
            lvl_fmt, _, lvl_start = levels.get(lvl, ("decimal", "", 1))
            value = counters.get(lvl, self._starts.get((num_id, lvl), lvl_start))
            text = text.replace(f"%{lvl + 1}", _format_number(value, lvl_fmt))
        return text.strip()

    @staticmethod
    def _num_pr(paragraph: Any) -> tuple[str, int]:
        for holder in (paragraph._p.pPr, getattr(paragraph.style, "element", None)):
            ppr = holder if holder is None or holder.tag == f"{_W}pPr" else holder.find(f"{_W}pPr")
            num_pr = ppr.find(f"{_W}numPr") if ppr is not None else None
            if num_pr is not None:
                return _child_val(num_pr, "numId", ""), _int(_child_val(num_pr, "ilvl", "0"), 0)
        return "", 0


def _child_val(element: Any, tag: str, default: str) -> str:
    child = element.find(f"{_W}{tag}")
    if child is None:
        return default
    value = child.get(f"{_W}val")
    return default if value is None else str(value)


def _int(value: str, default: int) -> int:
    try:
        return int(value)
    except ValueError:
        return default


_ROMAN: tuple[tuple[int, str], ...] = (
    (1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
    (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I"),
)  # fmt: skip


def _format_number(value: int, fmt: str) -> str:
    if fmt in {"lowerLetter", "upperLetter"}:
        letters = ""
        n = max(value, 1)
        while n:
            n, rest = divmod(n - 1, 26)
            letters = chr(ord("a") + rest) + letters
        return letters if fmt == "lowerLetter" else letters.upper()
    if fmt in {"lowerRoman", "upperRoman"}:
        n, roman = max(value, 1), ""
        for number, numeral in _ROMAN:
            while n >= number:
                roman, n = roman + numeral, n - number
        return roman.lower() if fmt == "lowerRoman" else roman
    if fmt == "none":
        return ""
    return str(value)


# --------------------------------------------------------------------------- pdf


def _read_pdf(name: str, data: bytes, engine: OcrEngine, rasterizer: PdfRasterizer) -> ReadResult:
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted and not reader.decrypt(""):
            raise _error(f"Tệp PDF {_quote(name)} có mật khẩu; hãy gỡ mật khẩu rồi tải lên lại.", "pdf_encrypted", name)
        pages = list(reader.pages)
    except ApplicationError:
        raise
    except Exception as exc:  # a damaged PDF raises many different types
        raise _unreadable(name, "Tệp PDF bị hỏng.") from exc
    if not pages:
        raise _error(f"Tệp PDF {_quote(name)} không có trang nào.", "empty", name)

    texts: list[str] = []
    for page in pages:
        try:
            texts.append(unicodedata.normalize("NFC", page.extract_text() or ""))
        except Exception:  # noqa: BLE001 - a broken content stream must not lose the other pages
            texts.append("")
    # A page is a scan when it has no text layer, or only a few characters over an
    # image (a stamped page number on a scan). A short page of real text (a heading
    # alone on the last page) keeps its text layer.
    scanned = [
        number
        for number, text in enumerate(texts, start=1)
        if not _has_text(text) or (not _has_text(text, MIN_PAGE_TEXT) and _has_image(pages[number - 1]))
    ]
    warnings: list[str] = []
    if len(scanned) > MAX_OCR_PAGES:
        raise _error(
            f"Tệp {_quote(name)} có {len(scanned)} trang quét cần nhận dạng chữ; giới hạn {MAX_OCR_PAGES} trang "
            "một lần. Hãy tách tệp hoặc gửi bản có lớp chữ.",
            "too_large",
            name,
        )
    if scanned:
        all_scanned = len(scanned) == len(texts)
        try:
            for number in scanned:
                recognized = _ocr_pdf_page(name, data, pages[number - 1], number, engine, rasterizer)
                if _has_text(recognized):
                    texts[number - 1] = recognized
                    if not all_scanned:
                        warnings.append(f"Trang {number} của tệp {_quote(name)} là ảnh quét: đã nhận dạng chữ (OCR).")
        except ApplicationError:
            if all_scanned:
                raise
            pages_label = ", ".join(str(n) for n in scanned)
            warnings.append(
                f"Trang {pages_label} của tệp {_quote(name)} không có lớp chữ và chưa nhận dạng được; đã bỏ qua."
            )
        if all_scanned and not any(_has_text(text) for text in texts):
            raise _error(
                f"Không nhận dạng được chữ nào trong tệp PDF quét {_quote(name)}. "
                "Hãy quét lại rõ hơn (từ 300 dpi) hoặc gửi bản Word/PDF có chữ.",
                "no_text",
                name,
            )
        kind: DocumentKind = "ocr" if all_scanned else "pdf"
    else:
        kind = "pdf"
    lines, page_starts = _join_pages(texts)
    return ReadResult("\n".join(lines), lines, kind, warnings, None, page_starts)


def _ocr_pdf_page(name: str, data: bytes, page: Any, number: int, engine: OcrEngine, rasterizer: PdfRasterizer) -> str:
    """OCR one PDF page: render it with pdftoppm, else OCR the scan images it embeds."""
    rendered = rasterizer.render(data, number, dpi=OCR_DPI)
    if rendered is not None:
        return engine.recognize(rendered, name=name, dpi=OCR_DPI)
    images = list(_page_scan_images(page))
    if not images:
        raise _error(
            f"Tệp {_quote(name)} là PDF quét (trang {number} không có lớp chữ) và cần công cụ pdftoppm "
            f"để nhận dạng. Cài bằng: {INSTALL_POPPLER}",
            "ocr_missing",
            name,
        )
    return "\n".join(engine.recognize(image, name=name) for image in images)


def _page_scan_images(page: Any) -> Iterator[bytes]:
    """The page's embedded images as files Tesseract reads (JPEG, JPEG 2000, TIFF, PNG)."""
    try:
        resources = page.get("/Resources")
        xobjects = resources.get_object().get("/XObject") if resources is not None else None
        if xobjects is None:
            return
        objects = [xobjects.get_object()[key].get_object() for key in xobjects.get_object()]
    except (AttributeError, KeyError, TypeError, ValueError):
        return
    for xobject in objects:
        if xobject.get("/Subtype") != "/Image":
            continue
        image = _xobject_image(xobject)
        if image is not None:
            yield image


def _xobject_image(xobject: Any) -> bytes | None:
    filters = xobject.get("/Filter")
    names = [str(f) for f in filters] if isinstance(filters, list) else [str(filters)] if filters else []
    try:
        data = xobject.get_data()
    except Exception:  # noqa: BLE001 - an undecodable image is skipped, not fatal
        return None
    last = names[-1] if names else ""
    if last == "/DCTDecode":
        return bytes(data)
    if last == "/JPXDecode":
        return bytes(data)
    if last == "/CCITTFaxDecode":
        return bytes(data) if data[:2] in (b"II", b"MM") else None  # pypdf wraps it in a TIFF header
    width, height = int(xobject.get("/Width", 0)), int(xobject.get("/Height", 0))
    bits = int(xobject.get("/BitsPerComponent", 8))
    space = str(xobject.get("/ColorSpace", "/DeviceGray"))
    channels = {"/DeviceGray": 1, "/CalGray": 1, "/DeviceRGB": 3, "/CalRGB": 3}.get(space)
    if not width or not height or channels is None or bits not in {1, 8}:
        return None
    if bits == 1 and channels != 1:
        return None
    return _png(bytes(data), width, height, channels, bits)


def _png(pixels: bytes, width: int, height: int, channels: int, bits: int) -> bytes | None:
    """Wrap raw pixel rows in a PNG file (filter type 0 on every row)."""
    stride = (width * channels * bits + 7) // 8
    if len(pixels) < stride * height:
        return None
    raw = b"".join(b"\x00" + pixels[row * stride : (row + 1) * stride] for row in range(height))
    color_type = 0 if channels == 1 else 2

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    header = struct.pack(">IIBBBBB", width, height, bits, color_type, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------- images


def _read_image(name: str, data: bytes, engine: OcrEngine) -> ReadResult:
    text = engine.recognize(data, name=name)
    lines, page_starts = split_lines(text)
    if not _has_text(text):
        raise _error(
            f"Không nhận dạng được chữ nào trong ảnh {_quote(name)}. "
            "Hãy quét lại rõ hơn (từ 300 dpi, chữ thẳng, đủ sáng) hoặc gửi bản Word/PDF có chữ.",
            "no_text",
            name,
        )
    return ReadResult("\n".join(lines), lines, "ocr", [], None, page_starts)
