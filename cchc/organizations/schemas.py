"""API schemas for org units."""

import datetime as dt
from typing import Any

from ninja import Field, Schema

from cchc.organizations.choices import UnitKind


class CohortOut(Schema):
    code: str
    name: str


class OrgUnitOut(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    kind_label: str = Field(description="Tên loại đơn vị.")
    parent_code: str | None
    statistical_code: str
    valid_from: dt.date
    valid_to: dt.date | None
    cohorts: list[str]
    successor_codes: list[str]
    predecessor_codes: list[str]

    # Resolvers read prefetched relations (see selectors.unit_list_for_user).
    @staticmethod
    def resolve_kind_label(obj: Any) -> str:
        return str(obj.get_kind_display())

    @staticmethod
    def resolve_parent_code(obj: Any) -> str | None:
        return obj.parent.code if obj.parent_id else None

    @staticmethod
    def resolve_cohorts(obj: Any) -> list[str]:
        return [c.code for c in obj.cohorts.all()]

    @staticmethod
    def resolve_successor_codes(obj: Any) -> list[str]:
        return [u.code for u in obj.successors.all()]

    @staticmethod
    def resolve_predecessor_codes(obj: Any) -> list[str]:
        return [u.code for u in obj.predecessors.all()]


class OrgUnitNode(Schema):
    code: str
    name: str
    short_name: str
    kind: str
    children: list["OrgUnitNode"]


OrgUnitNode.model_rebuild()


class OrgUnitFilter(Schema):
    # An enum, not a free string: an unknown kind is a 422 that names the allowed
    # values, not a silently empty list.
    kind: UnitKind | None = Field(None, description="Loại đơn vị.")
    cohort: str | None = Field(None, description="Mã nhóm đơn vị.")
    parent: str | None = Field(None, description="Mã đơn vị cấp trên.")
    on: dt.date | None = Field(None, description="Chỉ các đơn vị có hiệu lực vào ngày này.")
    q: str | None = Field(None, description="Tìm theo mã, tên hoặc tên ngắn.")


class OrgUnitTreeFilter(Schema):
    on: dt.date | None = Field(None, description="Chỉ các đơn vị có hiệu lực vào ngày này.")
