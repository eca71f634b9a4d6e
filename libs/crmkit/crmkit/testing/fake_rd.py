"""A stand-in for the Revenue Department's VAT-registrant service (`vatserviceRD3.asmx`):
a real HTTP server on 127.0.0.1 (a thread) that takes the SOAP 1.1 `Service` call and
answers as the RD does — one element per field, one `<anyType>` per record, "-" for nothing,
`vmsgerr` when there is no such registrant.

    fake = FakeRD().start(); fake.url
    fake.modes[tin] = "malformed" | "http500" | "slow" | "doctype"   (per TIN)
    fake.requests  -> [(tin, name), ...] every call received, in order
    fake.count(tin=..., name=...), fake.wait_for_call(tin=..., name=...)
    fake.stop()

"slow" holds the reply until `release()` (or 30 s): longer than any test timeout.
"""

from __future__ import annotations

import threading
import xml.etree.ElementTree as ET
from email.message import Message
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from xml.sax.saxutils import escape

NS = "https://rdws.rd.go.th/serviceRD3/vatserviceRD3"
ENVELOPE = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP_ACTION = f"{NS}/Service"
FIELDS = ("vNID", "vtitleName", "vName", "vSurname", "vBranchTitleName", "vBranchName",
          "vBranchNumber", "vBuildingName", "vFloorNumber", "vVillageName", "vRoomNumber",
          "vHouseNumber", "vMooNumber", "vSoiName", "vStreetName", "vThambol", "vAmphur",
          "vProvince", "vPostCode", "vBusinessFirstDate")

# Made-up registrants with valid check digits.
COMPANY_TIN = "0105556000017"
PERSON_TIN = "3100600445635"
CACHED_TIN = "0105556000033"
COMPANY_NAME_QUERY = "ปู่ทดสอบ"

# The company's name is written with the tone mark before the vowel below (ป + ่ + ู), as
# some keyboards produce it; NFC puts the vowel first (ป + ู + ่).
COMPANY_HQ = {
    "vNID": COMPANY_TIN, "vtitleName": "บริษัท", "vName": " \u0e1b\u0e48\u0e39ทดสอบ  จำกัด ",
    "vSurname": "-", "vBranchTitleName": "สำนักงานใหญ่", "vBranchName": "-",
    "vBranchNumber": "0", "vBuildingName": "สาทรซิตี้ทาวเวอร์", "vFloorNumber": "12",
    "vVillageName": "-", "vRoomNumber": "1201", "vHouseNumber": "175", "vMooNumber": "-",
    "vSoiName": "-", "vStreetName": "สาทรใต้", "vThambol": "ทุ่งมหาเมฆ", "vAmphur": "สาทร",
    "vProvince": "กรุงเทพมหานคร", "vPostCode": "10120", "vBusinessFirstDate": "2556/01/25",
}
COMPANY_BRANCH = {
    **COMPANY_HQ, "vBranchTitleName": "สาขา", "vBranchName": "เชียงใหม่", "vBranchNumber": "1",
    "vBuildingName": "-", "vFloorNumber": "-", "vRoomNumber": "-", "vHouseNumber": "99/9",
    "vMooNumber": "4", "vSoiName": "ซอยสันติธรรม 2", "vStreetName": "-", "vThambol": "ช้างเผือก",
    "vAmphur": "เมืองเชียงใหม่", "vProvince": "เชียงใหม่", "vPostCode": "50300",
    "vBusinessFirstDate": "2015-06-01",
}
PERSON = {
    "vNID": PERSON_TIN, "vtitleName": "นาย", "vName": "สมชาย", "vSurname": "ใจดี",
    "vBranchTitleName": "สำนักงานใหญ่", "vBranchName": "-", "vBranchNumber": "0",
    "vBuildingName": "-", "vFloorNumber": "-", "vVillageName": "หมู่บ้านสุขใจ",
    "vRoomNumber": "-", "vHouseNumber": "8", "vMooNumber": "3", "vSoiName": "-",
    "vStreetName": "-", "vThambol": "บางพูด", "vAmphur": "ปากเกร็ด", "vProvince": "นนทบุรี",
    "vPostCode": "11120", "vBusinessFirstDate": "01/02/2560",
}
CACHED = {**COMPANY_HQ, "vNID": CACHED_TIN, "vName": "แคชทดสอบ จำกัด"}
BY_TIN = {COMPANY_TIN: [COMPANY_HQ], PERSON_TIN: [PERSON], CACHED_TIN: [CACHED]}
NOT_FOUND_MESSAGE = "ไม่พบข้อมูลที่ค้นหา"


def reply(records: list[dict[str, str]], message: str = "") -> bytes:
    """The RD's reply for these records (their fields in RD order, each value an anyType)."""
    def column(field: str) -> str:
        values = "".join(f'<anyType xsi:type="xsd:string">{escape(r.get(field, "-"))}</anyType>'
                         for r in records)
        return f"<{field}>{values}</{field}>" if values else f"<{field} />"

    msg = f'<anyType xsi:type="xsd:string">{escape(message)}</anyType>' if message else ""
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
        f'<soap:Body><ServiceResponse xmlns="{NS}"><ServiceResult>'
        + "".join(column(f) for f in FIELDS)
        + f"<vmsgerr>{msg}</vmsgerr></ServiceResult></ServiceResponse></soap:Body></soap:Envelope>"
    ).encode()


FAULT = (
    b'<?xml version="1.0" encoding="utf-8"?><soap:Envelope '
    b'xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body><soap:Fault>'
    b"<faultcode>soap:Server</faultcode><faultstring>Server was unable to process request."
    b"</faultstring></soap:Fault></soap:Body></soap:Envelope>"
)
MALFORMED = reply([COMPANY_HQ])[:-120]  # cut off mid-element
DOCTYPE = (
    '<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>'
    f'<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
    f'<ServiceResponse xmlns="{NS}"><ServiceResult><vName><anyType>&lol2;</anyType></vName>'
    "<vmsgerr /></ServiceResult></ServiceResponse></soap:Body></soap:Envelope>"
).encode()


class FakeRD:
    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.modes: dict[str, str] = {}
        self.bad_requests: list[str] = []
        self._release = threading.Event()
        self._lock = threading.Lock()
        self._seen = threading.Condition(self._lock)
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/serviceRD3/vatserviceRD3.asmx"

    def start(self) -> FakeRD:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._release.set()
        self._server.shutdown()
        self._server.server_close()

    def release(self) -> None:
        """Let held ("slow") replies go."""
        self._release.set()

    def reset(self) -> None:
        """Back to normal answers: held replies go, modes are cleared."""
        self._release.set()
        self._release = threading.Event()
        self.modes.clear()

    def count(self, tin: str = "", name: str = "") -> int:
        with self._lock:
            return self.requests.count((tin, name))

    def wait_for_call(self, tin: str = "", name: str = "", timeout: float = 10) -> bool:
        """Blocks until a call for (tin, name) has arrived; False after `timeout` seconds."""
        with self._seen:
            return self._seen.wait_for(lambda: (tin, name) in self.requests, timeout)

    def answer(self, tin: str, name: str) -> tuple[int, bytes]:
        mode = self.modes.get(tin or name)
        if mode == "malformed":
            return 200, MALFORMED
        if mode == "http500":
            return 500, FAULT
        if mode == "doctype":
            return 200, DOCTYPE
        if mode == "slow":
            self._release.wait(30)  # this call's event, even if reset() replaces it
        if tin:
            records = BY_TIN.get(tin, [])
        elif COMPANY_NAME_QUERY in name:
            records = [COMPANY_HQ, COMPANY_BRANCH]
        else:
            records = []
        return 200, reply(records, "" if records else NOT_FOUND_MESSAGE)

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 (the stdlib's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                try:
                    tin, name = fake._read_call(self.headers, body)
                except ValueError as exc:
                    fake.bad_requests.append(str(exc))
                    return self._send(500, FAULT)
                with fake._seen:
                    fake.requests.append((tin, name))
                    fake._seen.notify_all()
                self._send(*fake.answer(tin, name))

            def _send(self, status: int, payload: bytes) -> None:
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "text/xml; charset=utf-8")
                    self.send_header("Content-Length", str(len(payload)))
                    self.end_headers()
                    self.wfile.write(payload)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (a timed-out call)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        return Handler

    @staticmethod
    def _read_call(headers: Message, body: bytes) -> tuple[str, str]:
        """(TIN, Name) of a `Service` call; ValueError when the call is not what the RD
        accepts (wrong SOAPAction, content type, operation or login)."""
        if headers.get("SOAPAction", "").strip('"') != SOAP_ACTION:
            raise ValueError(f"SOAPAction {headers.get('SOAPAction')!r}")
        if not headers.get("Content-Type", "").startswith("text/xml"):
            raise ValueError(f"Content-Type {headers.get('Content-Type')!r}")
        try:
            root = ET.fromstring(body)
        except ET.ParseError as exc:
            raise ValueError(f"request XML: {exc}") from None
        call = root.find(f"{{{ENVELOPE}}}Body/{{{NS}}}Service")
        if call is None:
            raise ValueError("no soap:Body/Service")
        values = {child.tag.split("}")[-1]: child.text or "" for child in call}
        expected = {"username": "anonymous", "password": "anonymous", "ProvinceCode": "0",
                    "BranchNumber": "0", "AmphurCode": "0"}
        if any(values.get(k) != v for k, v in expected.items()):
            raise ValueError(f"parameters {values}")
        if "TIN" not in values or "Name" not in values:
            raise ValueError("TIN and Name are both sent, one of them empty")
        return values["TIN"], values["Name"]
