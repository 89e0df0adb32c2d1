"""The Decision 766 service index (Quyết định 766/QĐ-TTg): versioned indicator sets, per unit and month.

Live figures come from the maintained one-stop counters (``dossiers.aggregates``) and
the citizens' ratings; indicators without a data source are entered by the reform
office. See ``docs/indicators.md``.
"""
