from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field, StrictBool

from crmkit.fields import Omittable

from ..common import Input

Visibility = Literal["all", "team", "own"]


class SettingsOut(BaseModel):
    lead_visibility: Visibility = Field(
        description="all: everyone sees every lead; team: sales see their team's; "
                    "own: sales see their own (plus, read-only, those they sent on)")
    account_visibility: Visibility = Field(
        description="The same rule for accounts and their contacts: all, team or own "
                    "(managers see their team's; admins everything)")
    allow_stage_back: bool = Field(
        description="Whether non-admins may move a lead to an earlier stage")


class SettingsPatch(Input):
    # Omittable: left out is fine (None), an explicit null is a 422.
    lead_visibility: Omittable[Visibility] = None
    account_visibility: Omittable[Visibility] = None
    allow_stage_back: Omittable[StrictBool] = None
