"""Who may see and act on the PAR index: rounds, assessments and scores.

* A round belongs to the province that issued its criteria set: its reform office
  manages it (open, lock, publish, survey points) and sees every assessment in it.
* An assessment belongs to its unit: the unit's users see it (a unit sees only its
  own), its focal point self-scores and submits it.
* A score is appraised by its criterion's appraising unit: an appraiser (or the
  reform office) on that unit sees and appraises only the scores routed to it.
* Results are public only once the round is published (``selectors``).
"""

from typing import Any, ClassVar

from django.db.models import Q, QuerySet

from cchc.accounts.choices import Role
from cchc.organizations.policies import ALL_ROLES, ScopedPolicy
from cchc.scoring.models import Assessment, AssessmentRound, CriteriaSet, Score

MANAGERS = frozenset({Role.SYSTEM_ADMIN, Role.REFORM_OFFICE})
SELF_SCORERS = frozenset({Role.SYSTEM_ADMIN, Role.FOCAL_POINT})
APPRAISERS = frozenset({Role.SYSTEM_ADMIN, Role.APPRAISER, Role.REFORM_OFFICE})


class CriteriaSetPolicy(ScopedPolicy[CriteriaSet]):
    """Sets are read by anyone with a role under the issuing province; changed by its reform office."""

    model = CriteriaSet
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {"view": MANAGERS, "change": MANAGERS}


class RoundPolicy(ScopedPolicy[AssessmentRound]):
    """Actions: view (progress of every unit), manage (open, lock, publish, survey points)."""

    model = AssessmentRound
    unit_lookup = "criteria_set__unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {"view": MANAGERS, "manage": MANAGERS}


class AssessmentPolicy(ScopedPolicy[Assessment]):
    """Actions: view (the unit's users, and the reform office over the round), self_score (focal point)."""

    model = Assessment
    unit_lookup = "unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {"view": ALL_ROLES, "self_score": SELF_SCORERS}

    def user_can(self, user: Any, action: str, obj: Assessment) -> bool:
        if super().user_can(user, action, obj):
            return True
        return action == "view" and round_policy.user_can(user, "view", obj.round)

    def scope(self, user: Any, action: str, qs: QuerySet[Assessment] | None = None) -> QuerySet[Assessment]:
        own = super().scope(user, action, qs)
        if action != "view":
            return own
        qs = Assessment.objects.all() if qs is None else qs
        managed = qs.filter(round__in=round_policy.scope(user, "view"))
        return (own | managed).distinct()


class ScorePolicy(ScopedPolicy[Score]):
    """Actions: appraise (the criterion's appraising unit). Viewing a score follows its assessment."""

    model = Score
    unit_lookup = "appraising_unit"
    permissions: ClassVar[dict[str, frozenset[str]]] = {"appraise": APPRAISERS, "view": ALL_ROLES}

    def user_can(self, user: Any, action: str, obj: Score) -> bool:
        if action == "view":
            return assessment_policy.user_can(user, "view", obj.assessment) or super().user_can(user, "appraise", obj)
        return super().user_can(user, action, obj)

    def scope(self, user: Any, action: str, qs: QuerySet[Score] | None = None) -> QuerySet[Score]:
        qs = Score.objects.all() if qs is None else qs
        if action == "view":
            visible = assessment_policy.scope(user, "view")
            return qs.filter(Q(assessment__in=visible) | Q(pk__in=super().scope(user, "appraise", qs).values("pk")))
        return super().scope(user, action, qs)


criteria_set_policy = CriteriaSetPolicy()
round_policy = RoundPolicy()
assessment_policy = AssessmentPolicy()
score_policy = ScorePolicy()
