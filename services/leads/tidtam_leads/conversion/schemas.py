from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from pydantic.config import JsonDict

from crmkit.errors import FieldError, Unprocessable
from crmkit.fields import Omittable

_EXACTLY_ONE: JsonDict = {"oneOf": [{"required": ["account_id"]}, {"required": ["account"]}]}


class ConvertIn(BaseModel):
    """Exactly one of `account_id` (link to an existing account) and `account` (make one).
    The service checks it after the lead's visibility (422 naming the fields)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_EXACTLY_ONE)

    account_id: Omittable[uuid.UUID] = Field(
        None, description="An existing account the caller may see (the accounts service "
                          "checks it; else the conversion fails)")
    account: Omittable[dict[str, Any]] = Field(
        None, max_length=50,
        description="A new account: AccountCreate fields (POST /api/v1/accounts). Left "
                    "out: `kind` company if the lead has a company, else person; `name` the "
                    "company or the lead's name; `phones`, `emails` the lead's; `owner_id` "
                    "the lead's owner. The accounts service validates them; invalid ones "
                    "fail the conversion (`conversion_error`).")
    contact: Omittable[dict[str, Any]] = Field(
        None, max_length=50,
        description="Overrides for the contact made from the lead (ContactCreate fields; "
                    "by default the lead's name, phone and email)")


def check_exactly_one(body: ConvertIn) -> None:
    given = [f for f in ("account_id", "account") if getattr(body, f) is not None]
    if len(given) == 1:
        return
    message = ("give exactly one of account_id (an existing account) and account (a new "
               "one): " + ("both were given" if given else "neither was given"))
    raise Unprocessable(message, fields=[FieldError(field=f"body.{f}", message=message,
                                                    code="exactly_one")
                                         for f in ("account_id", "account")])
