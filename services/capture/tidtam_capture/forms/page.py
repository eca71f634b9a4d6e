"""The hosted page of a form, `/f/{public_key}` (through the gateway, no login): Thai by
default, English with `?lang=en`, sized for a phone, no script (the form posts and the
service answers with a redirect back here, `?sent=1`, the thank-you)."""

from __future__ import annotations

from html import escape
from typing import Any, Literal

from fastapi import Request
from starlette.responses import HTMLResponse

from crmkit.context import RequestContext
from crmkit.db import unit_of_work

from .public import _check_key, _form
from .schemas import FieldSpec
from .service import HONEYPOT, post_path

Lang = Literal["th", "en"]
WORDS: dict[str, dict[Lang, str]] = {
    "send": {"th": "ส่งข้อมูล", "en": "Send"},
    "consent": {"th": "ข้าพเจ้ายินยอมตามข้อความข้างต้น", "en": "I agree to the text above"},
    "marketing": {"th": "ยินยอมรับข่าวสารและโปรโมชัน (ไม่บังคับ)",
                  "en": "Send me news and offers (optional)"},
    "thanks": {"th": "ขอบคุณ เราได้รับข้อมูลของคุณแล้ว และจะติดต่อกลับโดยเร็ว",
               "en": "Thank you: we have your details and will be in touch soon."},
    "required": {"th": "จำเป็น", "en": "required"},
    "other": {"th": "English", "en": "ภาษาไทย"},
}
CSP = ("default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; "
       "base-uri 'none'; frame-ancestors *")
STYLE = """
*{box-sizing:border-box}body{font-family:"Sarabun","Noto Sans Thai",system-ui,sans-serif;
margin:0;padding:16px;background:#f6f7f9;color:#1d2433;line-height:1.5}
main{max-width:480px;margin:0 auto;background:#fff;border-radius:12px;padding:20px;
box-shadow:0 1px 4px #0002}h1{font-size:1.3rem;margin:0 0 12px}
label{display:block;margin:12px 0 4px;font-weight:600}
input,textarea{width:100%;font:inherit;padding:10px;border:1px solid #b8c0cc;border-radius:8px}
textarea{min-height:96px}.check{display:flex;gap:8px;align-items:flex-start;font-weight:400}
.check input{width:auto;margin-top:5px}.consent{font-size:.95rem;background:#f1f4f8;
padding:10px;border-radius:8px;white-space:pre-wrap}
button{margin-top:16px;width:100%;font:inherit;font-weight:600;padding:12px;border:0;
border-radius:8px;background:#1f6feb;color:#fff}.lang{float:right;font-size:.9rem}
.hp{position:absolute;left:-9999px;width:1px;height:1px;overflow:hidden}
"""


def _input(field: FieldSpec, lang: Lang) -> str:
    label = escape(field.label_th if lang == "th" else field.label_en)
    req = " required" if field.required else ""
    mark = f" <small>({WORDS['required'][lang]})</small>" if field.required else ""
    auto = {"name": "name", "phone": "tel", "email": "email",
            "company": "organization"}.get(field.key, "off")
    control = (f'<textarea id="f-{field.key}" name="{field.key}"{req}></textarea>'
               if field.kind == "textarea" else
               f'<input id="f-{field.key}" name="{field.key}" type="{field.kind}" '
               f'autocomplete="{auto}"{req}>')
    return f'<label for="f-{field.key}">{label}{mark}</label>{control}'


def render(form: dict[str, Any], public_key: str, lang: Lang, sent: bool) -> str:
    other: Lang = "en" if lang == "th" else "th"
    title = escape(form["name"])
    if sent:
        body = f"<p>{WORDS['thanks'][lang]}</p>"
    else:
        fields = "".join(_input(FieldSpec.model_validate(f), lang) for f in form["fields"])
        consent = escape(form[f"consent_{lang}"])
        body = f"""<form method="post" action="{post_path(public_key)}" accept-charset="utf-8">
{fields}
<div class="hp" aria-hidden="true"><label for="hp">Website</label>
<input id="hp" name="{HONEYPOT}" tabindex="-1" autocomplete="off"></div>
<input type="hidden" name="consent_language" value="{lang}">
<p class="consent">{consent}</p>
<label class="check"><input type="checkbox" name="consent" value="true" required>
{WORDS['consent'][lang]}</label>
<label class="check"><input type="checkbox" name="marketing" value="true">
{WORDS['marketing'][lang]}</label>
<button type="submit">{WORDS['send'][lang]}</button></form>"""
    return f"""<!doctype html><html lang="{lang}"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex"><title>{title}</title><style>{STYLE}</style></head>
<body><main><a class="lang" href="?lang={other}" lang="{other}">{WORDS['other'][lang]}</a>
<h1>{title}</h1>{body}</main></body></html>"""


async def hosted(request: Request, ctx: RequestContext, public_key: str) -> HTMLResponse:
    _check_key(ctx, public_key)
    async with unit_of_work(request.app.state.sessionmaker, ctx.tenant) as session:
        form = await _form(session, ctx, public_key)
    lang: Lang = "en" if request.query_params.get("lang") == "en" else "th"
    return HTMLResponse(render(form, public_key, lang, request.query_params.get("sent") == "1"),
                        headers={"Content-Security-Policy": CSP,
                                 "X-Content-Type-Options": "nosniff",
                                 "Referrer-Policy": "no-referrer", "Cache-Control": "no-store"})
