"""rating_submit: once per dossier, only when resolved or returned, 9 criteria × 0–2, nothing personal kept."""

import datetime as dt

import pytest
from django.core.cache import cache

from cchc.audit.models import AuditEvent
from cchc.core.errors import ApplicationError
from cchc.dossiers.choices import RATING_MAX_TOTAL, RatingCriterion
from cchc.dossiers.models import Rating
from cchc.dossiers.ratings import rating_submit, rating_summary
from cchc.dossiers.tests.builders import at, build, save_all
from cchc.dossiers.throttle import RateLimitedError

pytestmark = pytest.mark.usefixtures("catalogue")

ALL_TWO = dict.fromkeys(RatingCriterion.values, 2)


@pytest.fixture(autouse=True)
def dossiers(catalogue: None) -> None:
    cache.clear()
    save_all(
        [
            build("DONE", "TT1", "U1", at("2024-06-03"), at("2024-06-04")),
            build("RETURNED", "TT1", "U1", at("2024-06-03"), returned_at=at("2024-06-05")),
            build("OPEN", "TT1", "U1", at("2024-06-03")),
            build("OTHER", "TT1", "U2", at("2024-06-03"), at("2024-06-04")),
        ]
    )


def test_rating_is_recorded_with_its_total_and_an_audit_row() -> None:
    scores = {**ALL_TWO, RatingCriterion.ATTITUDE: 1, "online": 0}

    rating = rating_submit(dossier_code="DONE", scores=scores, comment="  Cảm ơn  ", ip="10.0.0.1")

    assert rating.total == 15
    assert (rating.attitude, rating.online, rating.comment) == (1, 0, "Cảm ơn")
    assert RATING_MAX_TOTAL == 18
    event = AuditEvent.objects.get(action="dossier_rating.created")
    assert event.actor is None


def test_a_returned_dossier_can_be_rated() -> None:
    assert rating_submit(dossier_code="RETURNED", scores=ALL_TWO).total == 18


def test_a_second_rating_of_the_same_dossier_is_refused() -> None:
    rating_submit(dossier_code="DONE", scores=ALL_TWO)

    with pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="DONE", scores=dict.fromkeys(RatingCriterion.values, 0))

    assert caught.value.code == "dossiers.already_rated"
    assert "chỉ được đánh giá một lần" in caught.value.message
    assert Rating.objects.get().total == 18


def test_an_open_dossier_cannot_be_rated_yet() -> None:
    with pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="OPEN", scores=ALL_TWO)

    assert caught.value.code == "dossiers.rating_too_early"


def test_an_unknown_dossier_is_refused() -> None:
    with pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="NOPE", scores=ALL_TWO)

    assert caught.value.code == "dossiers.not_found"


@pytest.mark.parametrize(
    ("scores", "code"),
    [
        ({**ALL_TWO, "online": 3}, "dossiers.rating_invalid_score"),
        ({**ALL_TWO, "online": -1}, "dossiers.rating_invalid_score"),
        ({**ALL_TWO, "online": True}, "dossiers.rating_invalid_score"),
        ({**ALL_TWO, "online": "2"}, "dossiers.rating_invalid_score"),
        ({k: v for k, v in ALL_TWO.items() if k != "online"}, "dossiers.rating_missing_criterion"),
        ({**ALL_TWO, "speed": 2}, "dossiers.rating_unknown_criterion"),
    ],
)
def test_scores_are_validated(scores: dict, code: str) -> None:
    with pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="DONE", scores=scores)

    assert caught.value.code == code
    assert not Rating.objects.exists()


def test_a_too_long_comment_is_refused() -> None:
    with pytest.raises(ApplicationError):
        rating_submit(dossier_code="DONE", scores=ALL_TWO, comment="x" * 2001)


def test_the_rating_keeps_no_personal_data() -> None:
    """No IP, name, phone or user on the rating: only the dossier, the scores, a comment and the time."""
    names = {f.name for f in Rating._meta.get_fields()}

    assert names == {"id", "dossier", "submitted_at", "total", "comment", *RatingCriterion.values}


def test_ratings_from_one_ip_are_rate_limited() -> None:
    save_all([build(f"R{i}", "TT1", "U1", at("2024-06-03"), at("2024-06-04")) for i in range(6)])
    for i in range(5):
        rating_submit(dossier_code=f"R{i}", scores=ALL_TWO, ip="10.0.0.1")

    with pytest.raises(RateLimitedError) as caught:
        rating_submit(dossier_code="R5", scores=ALL_TWO, ip="10.0.0.1")

    assert caught.value.status == 429
    rating_submit(dossier_code="R5", scores=ALL_TWO, ip="10.0.0.2")


def test_summary_averages_per_unit_and_criterion() -> None:
    rating_submit(dossier_code="DONE", scores=ALL_TWO)
    rating_submit(dossier_code="RETURNED", scores={**ALL_TWO, "contacts": 0, "feedback": 1})
    rating_submit(dossier_code="OTHER", scores=dict.fromkeys(RatingCriterion.values, 0))

    u1 = rating_summary(unit_code="U1")

    assert u1.count == 2
    assert str(u1.average_total) == "16.50"  # 18 and 15
    means = {key: mean for key, _label, mean in u1.criteria}
    assert (str(means["contacts"]), str(means["feedback"]), str(means["online"])) == ("1.00", "1.50", "2.00")
    assert rating_summary().count == 3
    empty = rating_summary(unit_code="U3")
    assert (empty.count, empty.average_total) == (0, None)


def test_a_rating_keeps_the_time_it_was_given_within_the_dossiers_life() -> None:
    """An exported rating keeps its time (it decides the month it counts in); never before the result, never ahead."""
    from django.utils import timezone

    rating = rating_submit(dossier_code="DONE", scores=ALL_TWO, submitted_at=at("2024-06-04", 15))
    assert rating.submitted_at == at("2024-06-04", 15)
    assert rating_submit(dossier_code="OTHER", scores=ALL_TWO).submitted_at <= timezone.now()

    with pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="RETURNED", scores=ALL_TWO, submitted_at=at("2024-06-04"))
    assert caught.value.code == "dossiers.rating_before_result"
    assert "05/06/2024 09:00" in caught.value.message  # the return is its only result
    with pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="RETURNED", scores=ALL_TWO, submitted_at=timezone.now() + dt.timedelta(days=1))
    assert caught.value.code == "dossiers.rating_in_future"
    assert Rating.objects.count() == 2


def test_the_refusal_is_in_the_users_language() -> None:
    """Messages go through gettext: Vietnamese by default, English when the user chose it."""
    from django.utils import translation

    with pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="NOPE", scores=ALL_TWO)
    assert caught.value.message == "Không tìm thấy hồ sơ mã “NOPE”."
    with translation.override("en"), pytest.raises(ApplicationError) as caught:
        rating_submit(dossier_code="NOPE", scores=ALL_TWO)
    assert caught.value.message == "No dossier with code “NOPE”."
