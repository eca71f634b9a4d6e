"""How every document's PDF route answers and documents itself (quotes, invoices, tax
invoices, credit notes)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from crmkit.errors import error_responses


def pdf_responses(description: str) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers of a PDF route: the PDF, or 401/404/422, or 503 `render_timeout`."""
    return {200: {"content": {"application/pdf": {}}, "description": description},
            **error_responses(401, 404, 422, 503)}


def pdf_answer(content: bytes, name: str) -> Response:
    return Response(content, media_type="application/pdf",
                    headers={"Content-Disposition": f'inline; filename="{name}"'})
