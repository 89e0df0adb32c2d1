"""The month's Decision 766 table as CSV: UTF-8 with a BOM (Excel reads the Vietnamese), Vietnamese headers.

Per indicator four columns — numerator, denominator, rate (%), points — then the total,
the maximum it is out of, and the indicators without data. Numbers use a decimal
point; a figure that does not exist ("không phát sinh", "chưa nhập") is an empty cell
and is named in the last column. The total row comes last.
"""

import csv
import io
from decimal import Decimal

from django.utils.translation import gettext as _

from cchc.indicators import calculations as calc
from cchc.indicators.selectors import Cell, IndicatorTable, Row


def _text(value: int | Decimal | None) -> str:
    return "" if value is None else str(value)


def _gaps(row: Row) -> str:
    return "; ".join(f"{cell.indicator.name}: {cell.status_label}" for cell in row.cells if cell.status_label)


def _cells(cell: Cell) -> list[str]:
    return [_text(cell.numerator), _text(cell.denominator), _text(cell.rate_percent), _text(cell.points_rounded)]


def indicator_table_csv(table: IndicatorTable) -> bytes:
    """``table`` as CSV bytes; only the header row when no set is in force for the month."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    indicators = table.indicator_set.indicators if table.indicator_set else ()
    header = [_("Mã đơn vị"), _("Đơn vị")]
    for indicator in indicators:
        maximum = format(indicator.max_points.normalize(), "f")
        header += [
            _("%(name)s – tử số") % {"name": indicator.name},
            _("%(name)s – mẫu số") % {"name": indicator.name},
            _("%(name)s – tỷ lệ (%%)") % {"name": indicator.name},
            _("%(name)s – điểm (tối đa %(max)s)") % {"name": indicator.name, "max": maximum},
        ]
    header += [
        _("Tổng điểm"),
        _("Điểm tối đa của các chỉ số có số liệu"),
        _("Tỷ lệ kết quả điện tử (%)"),
        _("Chỉ số chưa có số liệu"),
    ]
    writer.writerow(header)
    rows = [*table.rows, *([table.total] if table.total is not None else [])]
    for row in rows:
        line = [row.unit_code or "", row.unit_name]
        for cell in row.cells:
            line += _cells(cell)
        line += [
            _text(row.points_rounded),
            _text(calc.round2(row.total.max_points)),
            _text(row.electronic_result.rate_percent),
            _gaps(row),
        ]
        writer.writerow(line)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")
