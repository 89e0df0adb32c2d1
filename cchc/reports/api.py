"""Periodic reports API: templates, reports, submissions and completeness (being built)."""

from ninja import Router

router = Router(tags=["Báo cáo định kỳ"])
