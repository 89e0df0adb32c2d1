"""Channels, outcomes and event kinds of a dossier (hồ sơ).

Each choice also lists the folded spellings (lower case, no diacritics) that the
one-stop systems' exports use ("trực tuyến", "Bưu chính"), so imports accept them;
exports and the database always hold the value.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from cchc.dossiers import sla


class Channel(models.TextChoices):
    # The values are those of ``sla.Channel``, so a stored value builds ``DossierFacts``.
    COUNTER = sla.Channel.COUNTER.value, _("Trực tiếp tại bộ phận một cửa")
    POST = sla.Channel.POST.value, _("Qua dịch vụ bưu chính")
    ONLINE = sla.Channel.ONLINE.value, _("Trực tuyến")


class Outcome(models.TextChoices):
    RESULT_ISSUED = "result_issued", _("Đã có kết quả")
    REFUSED = "refused", _("Từ chối giải quyết")
    WITHDRAWN = "withdrawn", _("Rút hồ sơ")
    STOPPED = "stopped", _("Dừng xử lý")


class EventKind(models.TextChoices):
    RECEIVED = "received", _("Tiếp nhận")
    RESOLVED = "resolved", _("Giải quyết xong")
    RETURNED = "returned", _("Trả kết quả")
    SUPPLEMENT_REQUESTED = "supplement", _("Yêu cầu bổ sung hồ sơ")
    APOLOGY = "apology", _("Gửi văn bản xin lỗi, hẹn lại")
    CORRECTED = "corrected", _("Cập nhật từ hệ thống một cửa")


CHANNEL_ALIASES: dict[str, str] = {
    "truc tiep": Channel.COUNTER,
    "tai quay": Channel.COUNTER,
    "quay": Channel.COUNTER,
    "mot cua": Channel.COUNTER,
    "buu chinh": Channel.POST,
    "buu dien": Channel.POST,
    "qua buu chinh": Channel.POST,
    "truc tuyen": Channel.ONLINE,
    "dvc": Channel.ONLINE,
    "dich vu cong truc tuyen": Channel.ONLINE,
}
OUTCOME_ALIASES: dict[str, str] = {
    "co ket qua": Outcome.RESULT_ISSUED,
    "da co ket qua": Outcome.RESULT_ISSUED,
    "ket qua": Outcome.RESULT_ISSUED,
    "tu choi": Outcome.REFUSED,
    "rut": Outcome.WITHDRAWN,
    "rut ho so": Outcome.WITHDRAWN,
    "dung": Outcome.STOPPED,
    "dung xu ly": Outcome.STOPPED,
}


class RatingCriterion(models.TextChoices):
    """The nine criteria a citizen rates a dossier's handling on, 0–2 points each (18 in all).

    The values are also the ``Rating`` field names, so a criterion addresses its column.
    """

    TOTAL_TIME = "total_time", _("Tổng thời gian giải quyết")
    AGENCY_TIME = "agency_time", _("Thời gian giải quyết của từng cơ quan")
    CONTACTS = "contacts", _("Số lần liên hệ để hoàn thiện hồ sơ")
    AGENCIES = "agencies", _("Số cơ quan phải liên hệ")
    COUNTER = "counter", _("Tổ chức bộ phận một cửa")
    PUBLICITY = "publicity", _("Công khai thủ tục hành chính")
    ATTITUDE = "attitude", _("Thái độ của công chức")
    FEEDBACK = "feedback", _("Tiếp nhận, xử lý phản ánh, kiến nghị")
    ONLINE = "online", _("Chất lượng dịch vụ công trực tuyến")


class RatingScore(models.IntegerChoices):
    POOR = 0, _("Không hài lòng")
    FAIR = 1, _("Bình thường")
    GOOD = 2, _("Hài lòng")


RATING_MAX_PER_CRITERION = 2
RATING_MAX_TOTAL = RATING_MAX_PER_CRITERION * len(RatingCriterion)
