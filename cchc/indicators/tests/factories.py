"""Hand-built dossiers around June 2024 on the shared ``tree``, imported with the real importer, and ratings.

Every figure the tests expect is counted by hand in ``docs``-style comments below
(June 2024 has no public holiday; the clock starts the day of receipt before 15:00,
the next working day after, and the start day is not counted).
"""

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from cchc.dossiers.choices import RatingCriterion
from cchc.dossiers.importing import import_dossiers
from cchc.dossiers.models import Rating
from cchc.dossiers.ratings import rating_submit
from cchc.indicators.models import Indicator
from cchc.indicators.services import indicator_value_set
from cchc.procedures.tests.factories import make_procedure

VN = ZoneInfo("Asia/Ho_Chi_Minh")
SET_CODE = "qd766-2022"

HEADER = (
    "code,procedure_code,unit_code,channel,received_at,resolved_at,outcome,paid_online,digitized,electronic_result\n"
)
# SA (Sở A), SB (Sở B); T1/T3/T10: time limits of 1, 3 and 10 working days.
ROWS = (
    # SA – received in June.
    "A1,T3,SA,online,2024-06-11T09:00+07:00,2024-06-13T10:00+07:00,result_issued,1,1,1\n"  # due 14/6: early
    "A2,T3,SA,counter,2024-06-11T09:00+07:00,2024-06-14T16:00+07:00,result_issued,0,1,0\n"  # on time
    "A3,T3,SA,counter,2024-06-11T09:00+07:00,2024-06-17T08:00+07:00,result_issued,0,0,1\n"  # late
    "A5,T10,SA,online,2024-06-27T10:00+07:00,,,1,1,0\n"  # due 11/7: within time at 30/6, overdue at 31/7
    "A6,T1,SA,counter,2024-06-24T09:00+07:00,,,0,1,0\n"  # due 25/6: overdue at 30/6
    "A7,T1,SA,counter,2024-06-28T16:00+07:00,,,0,0,0\n"  # after 15:00: starts 1/7, due 2/7, within time at 30/6
    "A8,T3,SA,online,2024-06-30T23:30+07:00,2024-07-01T10:00+07:00,result_issued,1,0,0\n"  # received Sunday 30/6
    # SA – May: A4 carried over into June and resolved late there; A9 resolved in May (not counted in June).
    "A4,T3,SA,online,2024-05-29T10:00+07:00,2024-06-04T10:00+07:00,result_issued,1,1,1\n"  # due 3/6
    "A9,T3,SA,counter,2024-05-31T09:00+07:00,2024-05-31T17:00+07:00,result_issued,0,0,0\n"
    # SA – July.
    "A10,T1,SA,counter,2024-07-01T09:00+07:00,,,0,0,0\n"  # due 2/7, open
    # SB – June: one on time, one late.
    "B1,T1,SB,counter,2024-06-03T09:00+07:00,2024-06-04T10:00+07:00,result_issued,0,1,0\n"  # due 4/6
    "B2,T1,SB,counter,2024-06-03T09:00+07:00,2024-06-05T10:00+07:00,result_issued,0,0,0\n"
)
#: Dossier → (rating total, submitted at, local time).
RATINGS = {
    "A1": (18, dt.datetime(2024, 6, 20, 10, 0, tzinfo=VN)),
    "A2": (12, dt.datetime(2024, 6, 30, 23, 30, tzinfo=VN)),  # last minutes of June
    "A3": (9, dt.datetime(2024, 7, 1, 0, 10, tzinfo=VN)),  # July (30/6 17:10 UTC)
    "A9": (15, dt.datetime(2024, 6, 5, 8, 0, tzinfo=VN)),  # a May dossier rated in June counts in June
}
#: (unit code, year, month, rate) entered for "công khai, minh bạch".
MANUAL = (("SA", 2024, 6, Decimal("0.9")), ("X1", 2024, 6, Decimal("0.5")), ("H1", 2024, 5, Decimal("1")))


def _scores(total: int) -> dict[str, int]:
    """9 criteria adding up to ``total``."""
    scores, left = {}, total
    for criterion in RatingCriterion.values:
        scores[criterion] = min(2, left)
        left -= scores[criterion]
    return scores


@dataclass
class June:
    tree: Any
    publicity: Indicator


def build_june(tree: Any) -> June:
    for code, limit in (("T1", 1), ("T3", 3), ("T10", 10)):
        make_procedure(code=code, time_limit_days=limit, field="Hộ tịch", level="commune")
    summary = import_dossiers(stream=io.StringIO(HEADER + ROWS), filename="hoso-thang6.csv", batch_size=5)
    assert summary.all_accepted, summary.rejected
    for code, (total, at) in RATINGS.items():
        rating = rating_submit(dossier_code=code, scores=_scores(total))
        Rating.objects.filter(pk=rating.pk).update(submitted_at=at)
    publicity = Indicator.objects.get(indicator_set__code=SET_CODE, code="cong-khai")
    units = {"SA": tree.dept_a, "X1": tree.commune, "H1": tree.district}
    for unit_code, year, month, value in MANUAL:
        indicator_value_set(
            indicator=publicity, unit=units[unit_code], year=year, month=month, value=value, note="", actor=None
        )
    return June(tree=tree, publicity=publicity)
