"""Messages from Jinja2 templates: `templates/<kind>.<lang>.j2`, each with the blocks
`subject` (also the in-app title), `text` and `html` (autoescaped), in the recipient's
language."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, Template

from crmkit.text import nfc

from .kinds import LANGUAGES


@dataclass(frozen=True)
class Rendered:
    subject: str
    text: str
    html: str


@functools.cache
def _env(html: bool) -> Environment:
    """The same templates, escaped for the `html` block and as they are for the others."""
    return Environment(loader=PackageLoader("tidtam_notifications", "templates"),
                       autoescape=html, undefined=StrictUndefined, trim_blocks=True,
                       lstrip_blocks=True)


def _template(kind: str, language: str, html: bool) -> Template:
    name = f"{kind}.{language if language in LANGUAGES else 'th'}.j2"
    return _env(html).get_template(name)


def _block(template: Template, name: str, params: dict[str, Any]) -> str:
    return template.render(params, part=name).strip()


def render(kind: str, language: str, params: dict[str, Any]) -> Rendered:
    plain, escaped = _template(kind, language, False), _template(kind, language, True)
    subject = " ".join(_block(plain, "subject", params).split())
    return Rendered(subject=nfc(subject), text=nfc(_block(plain, "text", params)) + "\n",
                    html=nfc(_block(escaped, "html", params)) + "\n")
