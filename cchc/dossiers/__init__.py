"""Dossiers (hồ sơ TTHC): the working-day SLA clock and the Biểu 06 statistics.

Only the pure core (``sla.py``) exists so far; models, ingestion and pages come later
and build on it. See ``docs/dossiers.md``.
"""
