"""Reading uploaded documents: text encodings, Word, PDF, scans, and every refusal."""

from __future__ import annotations

import io
import shutil
import struct
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import docx
import pytest

from cchc.core.errors import ApplicationError
from cchc.documents.encodings import encode_cp1258, encode_tcvn3, encode_vni
from cchc.documents.outline import parse_outline, require_structure
from cchc.documents.readers import INSTALL_TESSERACT, TesseractOcr, read_document, split_lines

SAMPLES = Path(__file__).parent / "samples"
SCAN_PNG = SAMPLES / "ke_hoach_scan.png"
HAS_TESSERACT = shutil.which("tesseract") is not None
needs_tesseract = pytest.mark.skipif(not HAS_TESSERACT, reason="tesseract-ocr (vie) chưa cài trên máy này")

PLAN_TEXT = """KẾ HOẠCH Cải cách hành chính nhà nước tỉnh Hải Dương năm 2023
I. MỤC ĐÍCH, YÊU CẦU
1. Mục đích
Nâng cao chất lượng phục vụ người dân, doanh nghiệp; đẩy mạnh chuyển đổi số.
2. Yêu cầu
a) Công tác cải cách hành chính phải được tiến hành đồng bộ, có trọng tâm.
b) Ủy ban nhân dân các huyện, thị xã, thành phố triển khai đồng bộ các nhiệm vụ.
"""


@dataclass
class FakeOcr:
    """Stands in for Tesseract: returns fixed text and records what it was given."""

    text: str
    images: list[bytes] = field(default_factory=list)

    def recognize(self, image: bytes, *, name: str, dpi: int | None = None) -> str:
        self.images.append(image)
        return self.text


class NoRasterizer:
    """A machine without pdftoppm."""

    def render(self, pdf: bytes, page: int, *, dpi: int) -> bytes | None:
        return None


# --------------------------------------------------------------------------- small PDF writer


def _pdf(objects: list[bytes]) -> bytes:
    """Assemble a PDF from object bodies (object 1 is the catalog)."""
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _stream(data: bytes, entries: str = "") -> bytes:
    return f"<< /Length {len(data)} {entries} >>\nstream\n".encode() + data + b"\nendstream"


def text_pdf(pages: list[list[str]]) -> bytes:
    """A PDF whose text layer holds ``pages`` (Vietnamese included, via a ToUnicode map)."""
    chars = sorted({char for page in pages for line in page for char in line})
    cid = {char: index + 1 for index, char in enumerate(chars)}
    bfchar = "\n".join(f"<{cid[c]:04X}> <{c.encode('utf-16-be').hex().upper()}>" for c in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap\n"
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def\n"
        "1 begincodespacerange <0000> <FFFF> endcodespacerange\n"
        f"{len(chars)} beginbfchar\n{bfchar}\nendbfchar\n"
        "endcmap CMapName currentdict /CMap defineresource pop end end"
    ).encode()
    objects: list[bytes] = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"",  # pages, filled below
        b"<< /Type /Font /Subtype /Type0 /BaseFont /DejaVuSans /Encoding /Identity-H "
        b"/DescendantFonts [4 0 R] /ToUnicode 6 0 R >>",
        b"<< /Type /Font /Subtype /CIDFontType2 /BaseFont /DejaVuSans /CIDToGIDMap /Identity "
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 5 0 R /DW 600 >>",
        b"<< /Type /FontDescriptor /FontName /DejaVuSans /Flags 32 /FontBBox [0 -250 1000 950] /ItalicAngle 0 "
        b"/Ascent 950 /Descent -250 /CapHeight 700 /StemV 80 >>",
        _stream(cmap),
    ]
    kids = []
    for page in pages:
        content = "BT /F1 11 Tf 15 TL 50 800 Td\n"
        content += "\n".join(f"<{''.join(f'{cid[c]:04X}' for c in line)}> Tj T*" for line in page)
        content += "\nET"
        objects.append(_stream(content.encode()))
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> "
            f"/Contents {len(objects)} 0 R >>".encode()
        )
        kids.append(f"{len(objects)} 0 R")
    objects[1] = f"<< /Type /Pages /Kids [{' '.join(kids)}] /Count {len(kids)} >>".encode()
    return _pdf(objects)


def scanned_pdf(png: bytes) -> bytes:
    """A one-page PDF holding only an image: the PNG's pixels as a Flate image with PNG predictors."""
    width, height, depth, color = struct.unpack(">IIBB", png[16:26])
    assert (depth, color) == (8, 0), "the sample must be 8-bit grey"
    idat, position = b"", 8
    while position < len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        if kind == b"IDAT":
            idat += png[position + 8 : position + 8 + length]
        position += 12 + length
    image = _stream(
        idat,
        f"/Type /XObject /Subtype /Image /Width {width} /Height {height} /ColorSpace /DeviceGray "
        f"/BitsPerComponent 8 /Filter /FlateDecode "
        f"/DecodeParms << /Predictor 15 /Colors 1 /BitsPerComponent 8 /Columns {width} >>",
    )
    content = _stream(f"q {width} 0 0 {height} 0 0 cm /Im1 Do Q".encode())
    return _pdf(
        [
            b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
            f"/Resources << /XObject << /Im1 5 0 R >> >> /Contents 4 0 R >>".encode(),
            content,
            image,
        ]
    )


def blank_png(width: int = 300, height: int = 120) -> bytes:
    import zlib

    def chunk(kind: bytes, payload: bytes) -> bytes:
        return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))

    raw = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b"")


# --------------------------------------------------------------------------- plain text


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (PLAN_TEXT.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + PLAN_TEXT.encode("utf-8"), "utf-8"),
        (PLAN_TEXT.encode("utf-16"), "utf-16-le"),
        (PLAN_TEXT.encode("utf-16-be"), "utf-16-be"),
        (encode_cp1258(PLAN_TEXT), "windows-1258"),
        (encode_vni(PLAN_TEXT), "vni"),
    ],
)
def test_text_in_each_encoding(data: bytes, encoding: str) -> None:
    """Plain text in UTF-8/16, Windows-1258 and VNI reads to the same Unicode lines."""
    result = read_document("ke_hoach.txt", data)
    assert result.kind == "text"
    assert result.encoding == encoding
    assert result.lines == PLAN_TEXT.rstrip("\n").split("\n")
    assert result.text == "\n".join(result.lines)
    if encoding in {"windows-1258", "vni"}:
        assert any("đã chuyển sang Unicode" in w for w in result.warnings)


def test_tcvn3_text_reads_in_lower_case_where_tcvn3_has_no_capitals() -> None:
    result = read_document("ke_hoach.txt", encode_tcvn3(PLAN_TEXT))
    assert result.encoding == "tcvn3"
    assert result.lines[6].startswith("b) ủy ban nhân dân các huyện")
    assert result.lines[2] == "1. Mục đích"
    assert any("TCVN3" in w for w in result.warnings)


def test_hand_made_tcvn3_file() -> None:
    """Bytes as a TCVN3 editor wrote them (not made by our encoder)."""
    data = "I. Môc ®Ých, yªu cÇu\r\n1. C¶i c¸ch hµnh chÝnh nhµ n­íc\r\n".encode("cp1252")
    result = read_document("tcvn3.txt", data)
    assert result.lines == ["I. Mục đích, yêu cầu", "1. Cải cách hành chính nhà nước"]


def test_seed_reads_as_utf8_with_leading_space_kept() -> None:
    data = (Path(__file__).parents[3] / "fixtures/seed/000_6b4a4a90fab0730f.txt").read_bytes()
    result = read_document("000_6b4a4a90fab0730f.txt", data)
    assert result.encoding == "utf-8"
    assert result.lines[0] == " Cai cach hanh chinh nha nwéc tinh Hai Dwong nam 2023"
    assert result.lines[406] == "I11. KINH PHI"


def test_form_feed_starts_a_page() -> None:
    lines, starts = split_lines("trang một\ndòng hai\n\fTrang hai\r\nhết\f")
    assert lines == ["trang một", "dòng hai", "Trang hai", "hết"]
    assert starts == [0, 2]


# --------------------------------------------------------------------------- docx


def _docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023")
    document.add_paragraph("I. MỤC ĐÍCH, YÊU CẦU")
    document.add_paragraph("Mục đích", style="List Number")  # Word's own numbering: "1." is not in the text
    document.add_paragraph("Yêu cầu", style="List Number")
    document.add_paragraph("a) Ủy ban nhân dân tỉnh chỉ đạo.\nDòng thứ hai sau ngắt dòng.")
    document.add_paragraph("PHỤ LỤC")
    headers = ["STT", "Nội dung", "Cơ quan chủ trì", "Cơ quan phối hợp", "Sản phẩm", "Thời gian hoàn thành"]
    table = document.add_table(rows=3, cols=len(headers))
    for column, text in enumerate(headers):
        table.cell(0, column).text = text
    table.cell(1, 0).text = "I"
    table.cell(1, 1).merge(table.cell(1, 5)).text = "CẢI CÁCH THỂ CHẾ"
    for column, text in enumerate(
        ["1", "Rà soát văn bản\nquy phạm pháp luật", "Sở Tư pháp", "Các sở", "Báo cáo", "Quý IV"]
    ):
        table.cell(2, column).text = text
    document.add_paragraph("Ghi chú sau bảng.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_paragraphs_numbering_and_table_in_order() -> None:
    """Paragraphs, Word list numbers and table rows (" | "-joined) come out in document order."""
    result = read_document("ke_hoach.docx", _docx_bytes())
    assert result.kind == "docx"
    assert result.lines == [
        "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023",
        "I. MỤC ĐÍCH, YÊU CẦU",
        "1. Mục đích",
        "2. Yêu cầu",
        "a) Ủy ban nhân dân tỉnh chỉ đạo.",
        "Dòng thứ hai sau ngắt dòng.",
        "PHỤ LỤC",
        "STT | Nội dung | Cơ quan chủ trì | Cơ quan phối hợp | Sản phẩm | Thời gian hoàn thành",
        "I | CẢI CÁCH THỂ CHẾ |  |  |  |",
        "1 | Rà soát văn bản quy phạm pháp luật | Sở Tư pháp | Các sở | Báo cáo | Quý IV",
        "Ghi chú sau bảng.",
    ]


def test_docx_table_becomes_appendix_tasks() -> None:
    outline = parse_outline(read_document("ke_hoach.docx", _docx_bytes()).lines)
    assert outline.paths() == ["I", "I.1", "I.2", "I.2.a", "PL", "PL.I", "PL.I.1"]
    task = outline.find("PL.I.1")
    assert task is not None
    assert task.kind == "table_row"
    assert task.columns == {
        "stt": "1",
        "content": "Rà soát văn bản quy phạm pháp luật",
        "lead": "Sở Tư pháp",
        "partners": "Các sở",
        "product": "Báo cáo",
        "deadline": "Quý IV",
    }
    assert task.body == "Ghi chú sau bảng."


def test_zip_that_is_not_word() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    with pytest.raises(ApplicationError, match="không phải tài liệu Word") as caught:
        read_document("bang.xlsx", buffer.getvalue())
    assert "“bang.xlsx”" in caught.value.message


def test_old_word_doc_is_refused_with_advice() -> None:
    data = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600
    with pytest.raises(ApplicationError, match=r"lưu thành \.docx") as caught:
        read_document("cu.doc", data)
    assert caught.value.code == "documents.unreadable"


# --------------------------------------------------------------------------- pdf


def test_pdf_text_layer_with_pages() -> None:
    """pypdf reads the text layer; pages are joined and their first lines recorded."""
    pages = [["I. MỤC ĐÍCH, YÊU CẦU", "1. Mục đích", "Nâng cao hiệu quả cải cách hành chính."], ["2. Yêu cầu"]]
    result = read_document("ke_hoach.pdf", text_pdf(pages), ocr=FakeOcr("không được gọi"))
    assert result.kind == "pdf"
    assert result.lines == [line for page in pages for line in page]
    assert result.page_starts == [0, 3]


def test_damaged_pdf() -> None:
    with pytest.raises(ApplicationError, match="PDF bị hỏng"):
        read_document("hong.pdf", b"%PDF-1.4\n1 0 obj << /Type /Catalog >>\n%%EOF garbage")


def test_scanned_pdf_goes_to_ocr_through_embedded_image() -> None:
    """Without pdftoppm, the page's scan image is handed to the OCR engine as a PNG."""
    fake = FakeOcr("I. MỤC ĐÍCH\n1. Mục đích")
    result = read_document("quet.pdf", scanned_pdf(SCAN_PNG.read_bytes()), ocr=fake, rasterizer=NoRasterizer())
    assert result.kind == "ocr"
    assert result.lines == ["I. MỤC ĐÍCH", "1. Mục đích"]
    assert len(fake.images) == 1
    assert fake.images[0].startswith(b"\x89PNG")


def test_scanned_pdf_without_images_or_pdftoppm_says_what_to_install() -> None:
    empty_page = text_pdf([[" "]])
    with pytest.raises(ApplicationError, match="pdftoppm") as caught:
        read_document("quet.pdf", empty_page, ocr=FakeOcr("x"), rasterizer=NoRasterizer())
    assert "poppler-utils" in caught.value.message
    assert "“quet.pdf”" in caught.value.message


@needs_tesseract
def test_scanned_pdf_real_ocr() -> None:
    result = read_document("quet.pdf", scanned_pdf(SCAN_PNG.read_bytes()), rasterizer=NoRasterizer())
    assert result.kind == "ocr"
    assert "I. MỤC ĐÍCH, YÊU CẦU" in result.lines
    assert "1. Mục đích" in result.lines


# --------------------------------------------------------------------------- images and Tesseract


@needs_tesseract
def test_png_ocr_with_vietnamese_model() -> None:
    """A generated scan of Vietnamese text is read by Tesseract (-l vie) and parses into an outline."""
    result = read_document("ke_hoach_scan.png", SCAN_PNG.read_bytes())
    assert result.kind == "ocr"
    assert "KẾ HOẠCH CẢI CÁCH HÀNH CHÍNH NĂM 2023" in result.lines
    assert "b) Ủy ban nhân dân tỉnh chỉ đạo thực hiện." in result.lines
    assert parse_outline(result.lines).paths() == ["I", "I.1", "I.1.a", "I.1.b"]


@needs_tesseract
def test_blank_image_has_no_text() -> None:
    with pytest.raises(ApplicationError, match=r"Không nhận dạng được chữ nào trong ảnh “trang\.png”"):
        read_document("trang.png", blank_png())


def test_blank_image_message_without_tesseract() -> None:
    with pytest.raises(ApplicationError, match="Không nhận dạng được chữ nào trong ảnh") as caught:
        read_document("trang.png", blank_png(), ocr=FakeOcr("  \n\f"))
    assert caught.value.code == "documents.no_text"


def test_missing_tesseract_says_how_to_install() -> None:
    engine = TesseractOcr(binary="/nonexistent/tesseract")
    with pytest.raises(ApplicationError) as caught:
        read_document("quet.png", SCAN_PNG.read_bytes(), ocr=engine)
    assert INSTALL_TESSERACT in caught.value.message
    assert "sudo apt-get install tesseract-ocr tesseract-ocr-vie" in caught.value.message
    assert "“quet.png”" in caught.value.message
    assert caught.value.code == "documents.ocr_missing"


@needs_tesseract
def test_missing_language_model_says_how_to_install() -> None:
    engine = TesseractOcr(language="zzz")
    with pytest.raises(ApplicationError, match="thiếu mô hình tiếng Việt") as caught:
        read_document("quet.png", SCAN_PNG.read_bytes(), ocr=engine)
    assert INSTALL_TESSERACT in caught.value.message


# --------------------------------------------------------------------------- bad input


def test_empty_file() -> None:
    for data in (b"", b"  \r\n\t "):
        with pytest.raises(ApplicationError, match=r"Tệp “rong\.txt” trống") as caught:
            read_document("rong.txt", data)
        assert caught.value.code == "documents.empty"


def test_binary_file() -> None:
    with pytest.raises(ApplicationError) as caught:
        read_document("anh.bin", bytes(range(256)) * 16)
    assert caught.value.message == "Tệp “anh.bin” không phải văn bản, Word (.docx) hay PDF đọc được."


def test_pdf_extension_with_other_bytes_is_unreadable() -> None:
    with pytest.raises(ApplicationError, match="không phải văn bản, Word"):
        read_document("gia.pdf", b"just some text, not a PDF at all")


def test_fifty_megabytes_is_too_large() -> None:
    data = b"a" * (50 * 1024 * 1024)
    with pytest.raises(ApplicationError) as caught:
        read_document("lon.txt", data)
    assert caught.value.message == "Tệp “lon.txt” quá lớn (50,0 MB); giới hạn 20 MB."
    assert caught.value.code == "documents.too_large"


def test_size_limit_is_configurable() -> None:
    with pytest.raises(ApplicationError, match=r"quá lớn \(0,0 MB\); giới hạn 0,0 MB"):
        read_document("nho.txt", b"abc", max_bytes=2)


def test_text_without_structure_is_refused_by_the_outline() -> None:
    """Prose without headings reads fine, but the outline says it found no plan structure."""
    result = read_document("thu.txt", "Kính gửi anh chị.\nHẹn gặp lại vào tuần sau.\n".encode())
    outline = parse_outline(result.lines)
    assert outline.nodes == []
    assert outline.preamble == [0, 1]
    assert any("Không nhận ra cấu trúc kế hoạch" in w for w in outline.warnings)
    with pytest.raises(ApplicationError) as caught:
        require_structure(outline, name="thu.txt")
    assert caught.value.message.startswith("Không nhận ra cấu trúc kế hoạch (mục I, II, 1., a) …) trong tệp “thu.txt”")
    assert caught.value.code == "documents.no_structure"
