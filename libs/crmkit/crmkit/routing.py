"""Path convertors for service routes (registered with Starlette on import)."""

from __future__ import annotations

from starlette.convertors import Convertor, register_url_convertor


class IdConvertor(Convertor[str]):
    """`{lead_id:id}`: a path segment that is a UUID (either case), handed on as text for the
    parameter's own validation. A route whose id segment sits beside a literal one
    (`/leads/transfer` next to `/leads/{lead_id}`) must not take the literal as a malformed
    id: PATCH /leads/transfer is then 405, not a 422 about `lead_id`."""

    regex = "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"

    def convert(self, value: str) -> str:
        return value

    def to_string(self, value: str) -> str:
        return str(value)


register_url_convertor("id", IdConvertor())
