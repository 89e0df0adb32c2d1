from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IndicatorsConfig(AppConfig):
    name = "cchc.indicators"
    label = "indicators"
    verbose_name = _("Chỉ số phục vụ người dân, doanh nghiệp (Quyết định 766)")
