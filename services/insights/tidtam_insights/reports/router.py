"""GET /api/v1/insights/<report> (and /export as .xlsx) for each report, one literal path
each (no `{report}` parameter beside the literal /targets); GET /api/v1/insights lists
them."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Header, Query, Response

from crmkit.deps import Ctx, Db
from crmkit.errors import error_responses
from crmkit.fields import Day
from crmkit.responses import json_answer

from ..targets.schemas import MONTH_PATTERN
from . import service
from .export import Lang, workbook
from .schemas import REPORTS, GroupBy, ReportList, ReportOut

router = APIRouter(prefix="/api/v1/insights", tags=["insights"])
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SOURCE_PATTERN = r"^[a-z0-9_-]{1,40}$"


class Filters:
    """The query every report takes."""

    def __init__(
        self,
        first: Day | None = Query(None, alias="from", description=(
            "The first day, in the tenant's time zone (default: the first of the month 11 "
            "months back; for `forecast`, the first of this month)")),
        last: Day | None = Query(None, alias="to", description=(
            "The last day, included (default: today; for `forecast`, the end of the 12th "
            "month from this one). At most 3,700 days after `from`")),
        team_id: uuid.UUID | None = Query(None, description="Only this team's figures"),
        user_id: uuid.UUID | None = Query(None, description="Only this user's figures"),
        pipeline_id: uuid.UUID | None = Query(None, description=(
            "Deal reports: only this pipeline's deals (pipeline: the one shown, default the "
            "standard pipeline)")),
        source: str | None = Query(None, pattern=SOURCE_PATTERN, description=(
            "Only leads of this source (deal reports: deals from such leads)")),
    ) -> None:
        self.first, self.last = first, last
        self.team_id, self.user_id = team_id, user_id
        self.pipeline_id, self.source = pipeline_id, source


Query_ = Annotated[Filters, Depends()]
DOC = ("Figures the caller may see: a sales user their own, a manager their team's, an "
       "admin everyone's; `user_id` / `team_id` narrow further (someone outside what the "
       "caller may see gives empty figures, not an error).")


async def build(db: Any, ctx: Any, report: str, f: Filters, group_by: GroupBy = "user",
                month: date | None = None) -> dict[str, Any]:
    first, last = f.first, f.last
    if month is not None:
        first = first or month
        last = last or service.end_of_month(month)
    w = await service.window(db, ctx, report=report, first=first, last=last,
                             team_id=f.team_id, user_id=f.user_id, pipeline_id=f.pipeline_id,
                             source=f.source, group_by=group_by)
    return await service.BUILDERS[report](db, ctx, w)


def _language(lang: Lang | None, accept: str | None) -> Lang:
    if lang:
        return lang
    return "en" if (accept or "").strip().lower().startswith("en") else "th"


def _routes(report: str) -> None:
    extra_doc = {
        "won": " `group_by` user (default), team or month.",
        "targets": " `month` (YYYY-MM) is the window of that month (the targets an admin "
                   "set, beside what was won).",
        "pipeline": " The deals open now: `from`/`to` do not apply.",
        "forecast": " Open deals by the month they are expected to close.",
    }.get(report, "")

    async def get_report(ctx: Ctx, db: Db, f: Query_,
                         group_by: GroupBy = Query("user", description="`won` only"),
                         month: str | None = Query(None, pattern=MONTH_PATTERN,
                                                   description="`targets` only")) -> Response:
        return json_answer(await build(db, ctx, report, f, group_by,
                                       service.month_day(month) if month else None))

    async def export_report(ctx: Ctx, db: Db, f: Query_,
                            group_by: GroupBy = Query("user", description="`won` only"),
                            lang: Lang | None = Query(None, description=(
                                "Headers' language (default: by Accept-Language, else th)")),
                            accept_language: str | None = Header(None, max_length=200),
                            ) -> Response:
        answer = await build(db, ctx, report, f, group_by)
        body = workbook(answer, _language(lang, accept_language))
        name = f"insights-{report}-{answer['from']}-{answer['to']}.xlsx"
        return Response(body, media_type=XLSX,
                        headers={"Content-Disposition": f'attachment; filename="{name}"'})

    router.add_api_route(f"/{report}", get_report, methods=["GET"], response_model=ReportOut,
                         responses=error_responses(401, 422), name=f"insights_{report}",
                         summary=f"Report: {report}", description=DOC + extra_doc)
    router.add_api_route(f"/{report}/export", export_report, methods=["GET"],
                         response_class=Response, name=f"insights_{report}_export",
                         summary=f"Report {report} as .xlsx",
                         responses={200: {"content": {XLSX: {}}, "description": "The workbook"},
                                    **error_responses(401, 422)},
                         description=DOC + extra_doc)


@router.get("", response_model=ReportList, responses=error_responses(401))
async def list_reports(ctx: Ctx) -> ReportList:
    """The reports there are."""
    return ReportList(reports=list(REPORTS))  # type: ignore[arg-type]


for _report in REPORTS:
    _routes(_report)
