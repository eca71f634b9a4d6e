"""The duplicate check before save: likely duplicates among the accounts the caller can
see, each with a score and the reasons.

Reasons and their weight (the score is the strongest, plus 5 for each further reason):
the same tax ID and branch 100; the same affix-free name 90 (similar: 80 × the trigram
similarity, from 0.4); a shared phone or email, of the account or one of its contacts, 85;
the same tax ID at another branch 60.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from crmkit.context import RequestContext
from crmkit.thai import HEAD_OFFICE

from ..names import name_key
from . import repository
from .repository import SimilarRow
from .schemas import Duplicate, DuplicateList, DuplicateQuery, MatchReason
from .values import to_out

LIMIT = 10
SAME_NAME = 0.999
SIMILAR = 0.4  # as account_similar_names (migration 0004_search) finds them


def _score(row: SimilarRow, query: DuplicateQuery, branch: str | None,
           keys: set[str]) -> tuple[int, list[MatchReason]]:
    found: list[tuple[int, MatchReason]] = []
    if query.tax_id and row["found_tax"] == query.tax_id:
        found.append((100, "tax_id_branch") if row["branch"] == branch else (60, "tax_id"))
    hits = set(row["key_hits"] or ()) & keys
    if any(h.startswith("+") for h in hits):
        found.append((85, "phone"))
    if any("@" in h for h in hits):
        found.append((85, "email"))
    sim = float(row["name_sim"] or 0)
    if query.name and sim >= SIMILAR:
        found.append((90 if sim >= SAME_NAME else round(80 * sim), "name"))
    if not found:
        return 0, []
    found.sort(reverse=True)
    return min(100, found[0][0] + 5 * (len(found) - 1)), [r for _, r in found]


async def find(session: AsyncSession, ctx: RequestContext, query: DuplicateQuery
               ) -> DuplicateList:
    branch = query.branch or (HEAD_OFFICE if query.tax_id else None)
    keys = {*query.phones, *(e.lower() for e in query.emails)}
    if not (query.name or query.tax_id or keys):
        return DuplicateList(items=[])
    rows = await repository.similar(
        session, ctx.tenant, ctx.account_scope, tax_id=query.tax_id, keys=sorted(keys),
        name_key=name_key(query.name) if query.name else None, exclude=query.exclude_id,
        limit=LIMIT)
    items = []
    for row in rows:
        score, reasons = _score(row, query, branch, keys)
        if score:
            items.append(Duplicate(account=to_out(row), score=score, reasons=reasons))
    items.sort(key=lambda d: -d.score)
    return DuplicateList(items=items[:LIMIT])
