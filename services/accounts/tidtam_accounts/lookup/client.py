"""The Revenue Department's public VAT-registrant service (SOAP 1.1, `vatserviceRD3.asmx`).

`RDClient.search(tin=..., name=...)` posts the `Service` operation (anonymous login, 0 for the
codes we do not know) and returns the reply's records, one dict of raw field values per
registrant branch. Every way the call can fail (timeout, refused connection, TLS, HTTP error,
SOAP fault, a reply that is not the expected XML) is one `RDUnavailable`.

The reply holds one element per field (`vNID`, `vName`, `vBranchNumber`, ...), each with one
`<anyType>` child per record: record i is the i-th child of every field.
"""

from __future__ import annotations

import asyncio
import ssl
from pathlib import Path
from typing import NoReturn
from xml.etree.ElementTree import Element, TreeBuilder
from xml.parsers import expat
from xml.sax.saxutils import escape

import httpx

NAMESPACE = "https://rdws.rd.go.th/serviceRD3/vatserviceRD3"
SOAP_ACTION = f"{NAMESPACE}/Service"
MAX_REPLY = 4 * 1024 * 1024  # bytes; a name matching thousands of registrants stays under it
FIELDS = ("vNID", "vtin", "vtitleName", "vName", "vSurname", "vBranchTitleName", "vBranchName",
          "vBranchNumber", "vBuildingName", "vFloorNumber", "vVillageName", "vRoomNumber",
          "vHouseNumber", "vMooNumber", "vSoiName", "vStreetName", "vThambol", "vAmphur",
          "vProvince", "vPostCode", "vBusinessFirstDate")


class RDUnavailable(Exception):
    """The RD service could not give an answer; `reason` says why (for logs and metrics)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason


def envelope(tin: str, name: str) -> bytes:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema" '
        'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><Service xmlns="{NAMESPACE}">'
        "<username>anonymous</username><password>anonymous</password>"
        f"<TIN>{escape(tin)}</TIN><Name>{escape(name)}</Name>"
        "<ProvinceCode>0</ProvinceCode><BranchNumber>0</BranchNumber>"
        "<AmphurCode>0</AmphurCode>"
        "</Service></soap:Body></soap:Envelope>"
    ).encode()


def _refuse(*_args: object) -> NoReturn:
    raise ValueError("DTDs and entity declarations are refused")


def parse_xml(data: bytes) -> Element:
    """An element tree from `data`, refusing any DTD (and so entity expansion, internal or
    external): a SOAP reply never has one. Tags are `{namespace}local`."""
    builder = TreeBuilder()
    parser = expat.ParserCreate(namespace_separator="}")

    def qname(tag: str) -> str:
        return "{" + tag if "}" in tag else tag

    parser.StartElementHandler = lambda tag, attrs: builder.start(qname(tag), attrs)
    parser.EndElementHandler = lambda tag: builder.end(qname(tag))
    parser.CharacterDataHandler = builder.data
    parser.StartDoctypeDeclHandler = _refuse
    parser.EntityDeclHandler = _refuse
    parser.ExternalEntityRefHandler = _refuse
    parser.buffer_text = True
    parser.Parse(data, True)
    return builder.close()


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _child(element: Element, name: str) -> Element | None:
    return next((c for c in element if _local(c.tag) == name), None)


def parse_reply(data: bytes) -> tuple[list[dict[str, str]], str]:
    """(records, vmsgerr) from a reply body. Raises RDUnavailable for anything that is not a
    well-formed SOAP envelope carrying `ServiceResponse/ServiceResult`, or is a SOAP fault."""
    try:
        root = parse_xml(data)
    except (expat.ExpatError, ValueError) as exc:
        raise RDUnavailable("malformed", str(exc)) from None
    body = _child(root, "Body") if _local(root.tag) == "Envelope" else None
    if body is None:
        raise RDUnavailable("malformed", "no SOAP envelope and body")
    fault = _child(body, "Fault")
    if fault is not None:
        text = _child(fault, "faultstring")
        raise RDUnavailable("fault", "".join(text.itertext()) if text is not None else "")
    response = _child(body, "ServiceResponse")
    result = _child(response, "ServiceResult") if response is not None else None
    if result is None:
        raise RDUnavailable("malformed", "no ServiceResponse/ServiceResult")
    columns = {_local(field.tag): ["".join(value.itertext()) for value in field]
               for field in result}
    message = " ".join(columns.pop("vmsgerr", []))
    count = max((len(values) for key, values in columns.items() if key in FIELDS), default=0)
    records = [{key: (values[i] if i < len(values) else "") for key, values in columns.items()}
               for i in range(count)]
    return records, message


def ssl_context(ca_file: Path | None) -> ssl.SSLContext:
    """The system's roots, plus the RD's chain when one is configured."""
    context = ssl.create_default_context()
    if ca_file:
        context.load_verify_locations(cafile=str(ca_file))
    return context


class RDClient:
    def __init__(self, url: str, timeout: float, ca_file: Path | None = None):
        self.url = url
        self.timeout = timeout
        self.http = httpx.AsyncClient(timeout=httpx.Timeout(timeout), verify=ssl_context(ca_file),
                                      follow_redirects=False)

    async def search(self, *, tin: str = "", name: str = "") -> tuple[list[dict[str, str]], str]:
        try:
            async with asyncio.timeout(self.timeout):
                body = await self._post(envelope(tin, name))
        except (TimeoutError, httpx.TimeoutException):
            raise RDUnavailable("timeout", f"no answer within {self.timeout:g} s") from None
        except (httpx.HTTPError, OSError) as exc:
            raise RDUnavailable("connection", exc.__class__.__name__) from None
        return parse_reply(body)

    async def _post(self, payload: bytes) -> bytes:
        headers = {"Content-Type": "text/xml; charset=utf-8", "SOAPAction": f'"{SOAP_ACTION}"'}
        async with self.http.stream("POST", self.url, content=payload, headers=headers) as resp:
            chunks, size = [], 0
            async for chunk in resp.aiter_bytes():
                size += len(chunk)
                if size > MAX_REPLY:
                    raise RDUnavailable("malformed", f"reply larger than {MAX_REPLY} bytes")
                chunks.append(chunk)
        body = b"".join(chunks)
        if resp.status_code >= 500:
            # An ASMX fault comes as HTTP 500 with a SOAP fault: name it when there is one.
            try:
                parse_reply(body)
            except RDUnavailable as exc:
                if exc.reason == "fault":
                    raise
            raise RDUnavailable("http", f"HTTP {resp.status_code}")
        if resp.status_code != 200:
            raise RDUnavailable("http", f"HTTP {resp.status_code}")
        return body

    async def aclose(self) -> None:
        await self.http.aclose()
