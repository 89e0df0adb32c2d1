"""Dossiers (hồ sơ TTHC) as ingested from the one-stop systems, their event log, and import runs.

A dossier row is the single truth the Biểu 06 statistics are computed from. The
clock values (``start_day``, ``due_date``) are *ours*, computed at import with
``dossiers.sla`` and the working calendar; the source system's due date is kept
beside them and a disagreement is flagged, never silently preferred. ``field`` and
``level`` are copied from the procedure at import so the statistics group without
a join (a procedure re-classified later does not move past figures).
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from cchc.core.models import TimeStampedModel
from cchc.dossiers.choices import Channel, EventKind, Outcome, RatingCriterion, RatingScore
from cchc.organizations.models import OrgUnit
from cchc.procedures.models import Procedure


class Dossier(TimeStampedModel):
    code = models.CharField(_("mã hồ sơ"), max_length=64, unique=True)
    # No index of its own: only deleting a procedure reads dossiers by procedure. Neither key
    # is a database constraint: the import checks every code against the catalogue it read,
    # and PROTECT is Django's (the deletion collector), so a checked row is not checked again
    # by a trigger per row, which halved PostgreSQL's insert rate (ADR 0006).
    procedure = models.ForeignKey(
        Procedure,
        verbose_name=_("thủ tục"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    # No index either: a unit's figures come from the counters (``DossierCount``), so only
    # deleting a unit (which units never are: they close) and the raw-row proof path read
    # dossiers by unit; the index cost every insert 0.8 µs on SQLite (ADR 0009).
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("đơn vị tiếp nhận, giải quyết"),
        on_delete=models.PROTECT,
        related_name="dossiers",
        db_index=False,
        db_constraint=False,
    )
    channel = models.CharField(_("kênh tiếp nhận"), max_length=16, choices=Channel.choices)
    received_at = models.DateTimeField(_("thời điểm tiếp nhận"))
    start_day = models.DateField(_("ngày bắt đầu tính hạn"))
    due_date = models.DateField(_("hạn giải quyết"), help_text=_("Tính theo lịch làm việc và thời hạn của thủ tục."))
    source_due_date = models.DateField(_("hạn giải quyết theo hệ thống nguồn"), null=True, blank=True)
    due_disagrees = models.BooleanField(_("hạn nguồn khác hạn tính được"), default=False)
    resolved_at = models.DateTimeField(_("thời điểm giải quyết xong"), null=True, blank=True)
    returned_at = models.DateTimeField(_("thời điểm trả kết quả"), null=True, blank=True)
    outcome = models.CharField(_("kết quả"), max_length=16, choices=Outcome.choices, blank=True)
    paused_working_days = models.PositiveIntegerField(_("số ngày làm việc tạm dừng"), default=0)
    # Kept for display: the dossier is still judged against ``due_date`` (issue #5).
    apology_new_due_date = models.DateField(_("hẹn lại (văn bản xin lỗi)"), null=True, blank=True)
    paid_online = models.BooleanField(_("thanh toán trực tuyến"), default=False)
    digitized = models.BooleanField(_("đã số hóa"), default=False)
    electronic_result = models.BooleanField(_("có kết quả điện tử"), default=False)
    # One field, so "the supplement is requested once" holds by construction (Nghị định 61/2018 Điều 15).
    supplement_requested_at = models.DateTimeField(_("thời điểm yêu cầu bổ sung"), null=True, blank=True)
    apology_sent_on = models.DateField(_("ngày gửi văn bản xin lỗi"), null=True, blank=True)
    # Several units may handle one dossier (một cửa liên thông), in the order given: "|"-separated codes.
    handling_unit_codes = models.CharField(_("đơn vị phối hợp giải quyết"), max_length=255, blank=True)
    field = models.CharField(_("lĩnh vực"), max_length=255)
    level = models.CharField(_("cấp thực hiện"), max_length=16)

    class Meta:
        ordering = ["-received_at", "code"]
        verbose_name = _("hồ sơ")
        verbose_name_plural = _("hồ sơ")
        # No secondary index: the statistics, a unit's page included, read ``DossierCount``,
        # and a look-up by code uses the unique index; every index costs each of the
        # millions of inserts an import makes (docs/adr/0006, 0009).
        constraints = [
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True) | Q(resolved_at__gte=F("received_at")),
                name="dossier_resolved_after_received",
            ),
            models.CheckConstraint(condition=Q(due_date__gte=F("start_day")), name="dossier_due_after_start"),
            models.CheckConstraint(
                condition=Q(apology_sent_on__isnull=True) | Q(apology_new_due_date__isnull=False),
                name="dossier_apology_has_new_date",
            ),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def handling_units(self) -> list[str]:
        """The codes of the units that handle the dossier besides the receiving one, in order."""
        return [code for code in self.handling_unit_codes.split("|") if code]


class SlaRegime(TimeStampedModel):
    """One legal regime of the one-stop rules, with its effective dates: the data ``dossiers.sla.Regime`` is built from.

    Two rows ship (migration ``0004``): Nghị định 61/2018 + 107/2021 until 30/6/2025 and
    Nghị định 118/2025 from 1/7/2025. A province changes a parameter here (through
    ``sla_regime_update``), not in code; dossiers already imported keep the dates they
    were given (``recompute`` is explicit, docs/dossiers.md).
    """

    code = models.SlugField(_("mã"), max_length=32, unique=True)
    legal_basis = models.CharField(_("căn cứ pháp lý"), max_length=255)
    effective_from = models.DateField(_("hiệu lực từ"), null=True, blank=True)
    effective_to = models.DateField(_("hiệu lực đến"), null=True, blank=True)
    receipt_cutoff = models.TimeField(
        _("giờ chốt tiếp nhận"),
        null=True,
        blank=True,
        help_text=_("Hồ sơ tiếp nhận từ giờ này trở đi được tính từ ngày làm việc tiếp theo."),
    )
    cutoff_online_only = models.BooleanField(_("giờ chốt chỉ áp dụng cho hồ sơ trực tuyến"), default=False)
    start_day_counted = models.BooleanField(_("ngày bắt đầu được tính là ngày thứ nhất"), default=False)
    apology_days_before = models.PositiveSmallIntegerField(
        _("số ngày làm việc tối thiểu gửi xin lỗi trước hạn"), default=1
    )

    class Meta:
        ordering = ["effective_from"]
        verbose_name = _("chế độ pháp lý một cửa")
        verbose_name_plural = _("chế độ pháp lý một cửa")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_from__isnull=True)
                | Q(effective_to__isnull=True)
                | Q(effective_to__gte=F("effective_from")),
                name="sla_regime_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.legal_basis


class DossierEvent(models.Model):
    """One step in a dossier's life, as far as CCHC knows it (append-only)."""

    dossier = models.ForeignKey(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField(_("thời điểm"))
    kind = models.CharField(_("loại"), max_length=16, choices=EventKind.choices)
    note = models.CharField(_("ghi chú"), max_length=500, blank=True)

    class Meta:
        ordering = ["dossier", "at", "id"]
        verbose_name = _("sự kiện hồ sơ")
        verbose_name_plural = _("sự kiện hồ sơ")
        indexes = [models.Index(fields=["dossier", "at"], name="dossier_event_dossier_at")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.kind} {self.at:%d/%m/%Y %H:%M}"


class DossierImport(models.Model):
    """One run of the dossier import: what the audit rows of its batches point at.

    The counters grow batch by batch, each in the batch's transaction, so after a
    killed run they still say exactly what was committed (docs/adr/0005).
    """

    filename = models.CharField(_("tệp"), max_length=255)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("người thực hiện"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    started_at = models.DateTimeField(_("bắt đầu"))
    finished_at = models.DateTimeField(_("kết thúc"), null=True, blank=True)
    batches = models.PositiveIntegerField(_("số lô"), default=0)
    created = models.PositiveIntegerField(_("tạo mới"), default=0)
    updated = models.PositiveIntegerField(_("cập nhật"), default=0)
    unchanged = models.PositiveIntegerField(_("không đổi"), default=0)
    rejected = models.PositiveIntegerField(_("bị từ chối"), default=0)

    class Meta:
        ordering = ["-started_at"]
        verbose_name = _("lần nhập hồ sơ")
        verbose_name_plural = _("lần nhập hồ sơ")

    def __str__(self) -> str:
        return f"{self.filename} ({self.started_at:%d/%m/%Y %H:%M})"


def _rating_score_field(criterion: RatingCriterion) -> models.PositiveSmallIntegerField:
    return models.PositiveSmallIntegerField(
        criterion.label, choices=RatingScore.choices, validators=[MaxValueValidator(RatingScore.GOOD)]
    )


class Rating(models.Model):
    """A citizen's rating of one dossier's handling: 9 criteria × 0–2 points (issue #5).

    One per dossier (the one-to-one is the "once" rule). Deliberately no name, phone
    or IP: the rating is anonymous; the IP only feeds the rate limit, in the cache.
    """

    dossier = models.OneToOneField(Dossier, verbose_name=_("hồ sơ"), on_delete=models.CASCADE, related_name="rating")
    submitted_at = models.DateTimeField(_("thời điểm đánh giá"))
    total_time = _rating_score_field(RatingCriterion.TOTAL_TIME)
    agency_time = _rating_score_field(RatingCriterion.AGENCY_TIME)
    contacts = _rating_score_field(RatingCriterion.CONTACTS)
    agencies = _rating_score_field(RatingCriterion.AGENCIES)
    counter = _rating_score_field(RatingCriterion.COUNTER)
    publicity = _rating_score_field(RatingCriterion.PUBLICITY)
    attitude = _rating_score_field(RatingCriterion.ATTITUDE)
    feedback = _rating_score_field(RatingCriterion.FEEDBACK)
    online = _rating_score_field(RatingCriterion.ONLINE)
    total = models.PositiveSmallIntegerField(_("tổng điểm"), help_text=_("Tổng 9 tiêu chí, tối đa 18."))
    comment = models.TextField(_("góp ý"), blank=True, max_length=2000)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("đánh giá của người dân")
        verbose_name_plural = _("đánh giá của người dân")
        indexes = [models.Index(fields=["submitted_at"], name="rating_submitted_at")]
        constraints = [
            models.CheckConstraint(
                condition=Q(total__lte=18)
                & Q(total_time__lte=2)
                & Q(agency_time__lte=2)
                & Q(contacts__lte=2)
                & Q(agencies__lte=2)
                & Q(counter__lte=2)
                & Q(publicity__lte=2)
                & Q(attitude__lte=2)
                & Q(feedback__lte=2)
                & Q(online__lte=2),
                name="rating_scores_in_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.dossier_id}: {self.total}/18"


_COUNT_KEY = ("grain", "day", "unit", "field", "level")
_COUNT_TOTALS = (
    "received", "received_online", "resolved_early", "resolved_on_time", "resolved_late", "overdue",
    "paid_online", "digitized", "electronic_result", "late_apologized",
)  # fmt: skip


class DossierCount(models.Model):
    """Incrementally maintained Biểu 06 counters of one unit × field × level over one month or year.

    Every column is a *delta* on the bucket's days, so that any period's figures are
    sums (docs/dossiers.md, "Aggregates"): ``received``/``received_online`` on the
    local day of receipt, ``resolved_*`` on the local day of resolution, ``overdue``
    +1 on the day after the due date and −1 on the day of resolution (when that is
    later), so its running sum through a day is the number overdue at that day's end.
    A delta lands in two rows (``grain``): its month's (``day`` = the 1st) and its
    year's (``day`` = 1 January); the columns hold the bucket's totals.

    A month row's ``days`` holds the same deltas per day: 31 × 10 little-endian int32
    (1,240 bytes), day-major — day 1's ten values in the order of
    ``counter_store.COLUMNS``, then day 2's, …; the slots after the month's last day are
    zero. The columns are the sums of the array. A year row's ``days`` is empty. So a
    running sum reads years + 11 months of totals per group, plus at most two arrays
    for a period that starts or ends inside a month. The import keeps the rows in step
    inside each batch's transaction (``counter_store.write_month_rows``);
    ``recompute_dossier_aggregates`` rebuilds them from the dossiers.
    """

    class Grain(models.TextChoices):
        MONTH = "M", _("tháng")
        YEAR = "Y", _("năm")

    grain = models.CharField(_("độ chi tiết"), max_length=1, choices=Grain.choices)
    day = models.DateField(_("ngày đầu của kỳ"))
    # Written only by the import and the recomputation, from units they checked (see ``Dossier.unit``).
    unit = models.ForeignKey(
        OrgUnit, verbose_name=_("đơn vị"), on_delete=models.PROTECT, related_name="+", db_constraint=False
    )
    field = models.CharField(_("lĩnh vực"), max_length=255)
    level = models.CharField(_("cấp thực hiện"), max_length=16)
    received = models.IntegerField(_("tiếp nhận"), default=0)
    received_online = models.IntegerField(_("tiếp nhận trực tuyến"), default=0)
    resolved_early = models.IntegerField(_("giải quyết trước hạn"), default=0)
    resolved_on_time = models.IntegerField(_("giải quyết đúng hạn"), default=0)
    resolved_late = models.IntegerField(_("giải quyết quá hạn"), default=0)
    overdue = models.IntegerField(_("thay đổi số quá hạn"), default=0)
    # Decision 766 inputs: on the day of receipt (payment, digitisation) or of resolution (electronic result).
    paid_online = models.IntegerField(_("thanh toán trực tuyến"), default=0)
    digitized = models.IntegerField(_("số hóa"), default=0)
    electronic_result = models.IntegerField(_("kết quả điện tử"), default=0)
    late_apologized = models.IntegerField(_("quá hạn có văn bản xin lỗi"), default=0)
    # Encoded and decoded only by ``counter_store.encode_days`` / ``decode_days``.
    days = models.BinaryField(_("số liệu từng ngày trong tháng"), default=b"", blank=True)

    class Meta:
        verbose_name = _("số liệu hồ sơ tổng hợp")
        verbose_name_plural = _("số liệu hồ sơ tổng hợp")
        constraints = [
            models.UniqueConstraint(fields=list(_COUNT_KEY), name="dossier_count_key"),
        ]
        indexes = [
            # The sums of whole months and years read the totals from this index alone, never
            # the rows, which carry the month's 1,240-byte array (ADR 0010, "Afterwards").
            models.Index(fields=[*_COUNT_KEY, *_COUNT_TOTALS], name="dossier_count_totals"),
        ]

    def __str__(self) -> str:
        return f"{self.grain} {self.day} {self.unit_id} {self.field} {self.level}"
