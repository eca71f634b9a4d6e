from __future__ import annotations

import uuid
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictBool

from crmkit.text import Text

MAX_LEADS = 500

BulkAction = Literal["send", "add_label", "remove_label", "move_stage", "lost", "junk"]
# What each action needs besides the leads (the others must be left out).
NEEDS: dict[str, tuple[str, ...]] = {
    "send": ("to_user_id",), "add_label": ("label_id",), "remove_label": ("label_id",),
    "move_stage": ("stage_id",), "lost": ("reason",), "junk": ("reason",),
}
OPTIONAL: dict[str, tuple[str, ...]] = {"send": ("note",)}


class BulkIn(BaseModel):
    """One action on many leads: `lead_ids`, or `all_matching: true` for every lead the
    list would show with this request's query parameters (the same as GET /api/v1/leads:
    box, q, label_id, pipeline_id, stage_id, owner_id, segment, cf.*)."""

    model_config = ConfigDict(extra="forbid")

    action: BulkAction = Field(description=(
        "send (to_user_id, optional note) · add_label / remove_label (label_id) · "
        "move_stage (stage_id) · lost / junk (reason)"))
    lead_ids: list[uuid.UUID] | None = Field(
        None, min_length=1, max_length=MAX_LEADS,
        description=f"At most {MAX_LEADS}; or leave out and send all_matching")
    all_matching: StrictBool = Field(False, description=(
        f"Every lead matching the query parameters (at most {MAX_LEADS}: more is 422 "
        "`too_many_leads`)"))
    to_user_id: uuid.UUID | None = Field(None, description="send: an active user")
    note: Annotated[str, Text(2000)] | None = Field(None, description="send: a message")
    label_id: uuid.UUID | None = Field(None, description="add_label / remove_label")
    stage_id: uuid.UUID | None = Field(None, description="move_stage: any pipeline's stage")
    reason: str | None = Field(None, max_length=2000, description=(
        "lost / junk: one of GET /api/v1/lead-reasons or your own words (at most 500)"))


class BulkResult(BaseModel):
    lead_id: uuid.UUID
    status: Literal["done", "not_found", "refused"] = Field(description=(
        "done; not_found: no such lead, or not one the caller may see; refused: see `code` "
        "and `message` (e.g. `forbidden` for a lead the caller only sent on, "
        "`stage_back_not_allowed`, `already_in_box`)"))
    code: str | None = None
    message: str | None = None


class BulkOut(BaseModel):
    action: BulkAction
    done: int
    not_found: int
    refused: int
    results: list[BulkResult] = Field(description="One per lead, in the order asked")
