"""Units and procedures the dossier files of the tests refer to."""

from collections.abc import Callable
from pathlib import Path

import pytest

from cchc.organizations.tests.factories import make_unit
from cchc.procedures.tests.factories import make_procedure

#: Procedure code → (time limit in working days, field, level).
PROCEDURES = {
    "TT0": (0, "Chứng thực", "commune"),
    "TT1": (1, "Chứng thực", "commune"),
    "TT2": (2, "Hộ tịch", "commune"),
    "TT3": (3, "Hộ tịch", "commune"),
    "TT5": (5, "Đất đai", "district"),
    "TT7": (7, "Đất đai", "district"),
    "TT10": (10, "Đầu tư", "province"),
    "TT30": (30, "Đầu tư", "province"),
}
UNITS = ("U1", "U2", "U3")


@pytest.fixture
def catalogue(db: None) -> None:
    for code in UNITS:
        make_unit(code=code)
    for code, (limit, field, level) in PROCEDURES.items():
        make_procedure(code=code, time_limit_days=limit, field=field, level=level)


@pytest.fixture
def write_file(tmp_path: Path) -> Callable[..., Path]:
    def write(text: str, name: str = "hoso.csv") -> Path:
        path = tmp_path / name
        path.write_text(text, encoding="utf-8")
        return path

    return write
