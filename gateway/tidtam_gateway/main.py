"""The gateway process: `uvicorn tidtam_gateway.main:app` (port 8000 by default)."""

from __future__ import annotations

from .app import create_gateway_app

app = create_gateway_app()
