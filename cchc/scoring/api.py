"""PAR index API: criteria sets, rounds, scores and results (being built)."""

from ninja import Router

router = Router(tags=["Chỉ số CCHC"])
