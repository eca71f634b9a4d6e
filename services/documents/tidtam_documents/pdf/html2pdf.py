"""HTML → PDF bytes with WeasyPrint, inside one process: the fonts and their stylesheet are
made once (the same FontConfiguration for the @font-face CSS and every write_pdf, or
WeasyPrint silently falls back to another font), and nothing is fetched but the document's
own assets (`asset:` fonts) and `data:` images the templates embed.

Run it in the render workers (pdf/workers.py), never in the API's event loop."""

from __future__ import annotations

from functools import cache
from typing import Any

import weasyprint
from weasyprint import CSS, HTML
from weasyprint.pdf import stream as pdf_stream
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import fonts

ALLOWED = ("asset", "data")


class RefusedFetch(ValueError):
    pass


class AssetFetcher(URLFetcher):
    """Only `asset:` (our fonts) and `data:`; every other URL (file:, http(s):, ftp:, a
    relative path) is refused and remembered in `refused`."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=ALLOWED, allow_redirects=False)
        self.refused: list[str] = []
        self._assets = {f"asset:font-{f.weight}.ttf": f.data for f in fonts.prepared()}

    def fetch(self, url: str, headers: Any = None) -> URLFetcherResponse:
        if url in self._assets:
            return URLFetcherResponse(url, self._assets[url], {"Content-Type": "font/ttf"})
        if url.lower().startswith("data:"):
            return super().fetch(url, headers)
        self.refused.append(url)
        raise RefusedFetch(f"documents fetch nothing outside their own assets: {url[:80]}")


class _TextFixedFont(pdf_stream.Font):
    """WeasyPrint's font, with the text of our Sarabun's glyphs fixed (pdf/fonts.py)."""

    def __init__(self, *args: Any) -> None:
        super().__init__(*args)
        if self.family == fonts.FAMILY:
            self.to_unicode = _FixedText(_text_of(self.weight))


class _FixedText(dict[int, str]):
    """WeasyPrint sets a glyph's text from the first cluster it meets it in; ours wins."""

    def __init__(self, fixed: dict[int, str]) -> None:
        super().__init__()
        self.fixed = fixed

    def __setitem__(self, glyph: int, text: str) -> None:
        super().__setitem__(glyph, self.fixed.get(glyph, text))


@cache
def _text_of(weight: int) -> dict[int, str]:
    by_weight = {f.weight: f.text_of for f in fonts.prepared()}
    return by_weight.get(weight, by_weight[400])


@cache
def _setup() -> tuple[FontConfiguration, CSS, AssetFetcher]:
    pdf_stream.Font = _TextFixedFont
    config = FontConfiguration()
    fetcher = AssetFetcher()
    css = CSS(string=fonts.font_face_css() + f"\nhtml {{ font-family: {fonts.FAMILY}; }}",
              font_config=config, url_fetcher=fetcher)
    return config, css, fetcher


def warm() -> None:
    """Fonts patched and registered, WeasyPrint imported and exercised once."""
    render("<p>ติดตาม</p>")


def render(html: str) -> bytes:
    config, css, fetcher = _setup()
    document = HTML(string=html, url_fetcher=fetcher, base_url="asset:")
    pdf: bytes = document.write_pdf(stylesheets=[css], font_config=config)
    return pdf


__all__ = ["AssetFetcher", "render", "warm", "weasyprint"]
