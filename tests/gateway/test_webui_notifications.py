"""The bell and the notification screens (webui/static/sse.js, bell.js,
screens/notifications.js, screens/notification-prefs.js) run in node (webui_notifications.mjs):
the event-stream parser, reconnecting with back-off, polling while the stream is down and
only then, a 401 ending the session; the list's calls; the bodies checked against the
notifications service's own request models; every string in Thai and English."""

from __future__ import annotations

import re

import pytest

from tidtam_gateway.webui.router import STATIC_DIR

from .test_webui import NODE, run_node, used_keys

pytestmark = [pytest.mark.unit,
              pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs it)")]

THAI = re.compile("[\u0e00-\u0e7f]")
MODULES = [STATIC_DIR / "sse.js", STATIC_DIR / "bell.js", STATIC_DIR / "screens/notifications.js",
           STATIC_DIR / "screens/notification-prefs.js"]
STREAM, COUNT = "/api/v1/notifications/stream", "/api/v1/notifications/unread-count"


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> dict:
    return run_node(tmp_path_factory.mktemp("notif"), "webui_notifications.mjs")


def test_the_event_stream_is_parsed_across_chunks(out):
    # The server's retry, a comment (keep-alive) skipped, an event cut in the middle kept
    # for the next chunk, CRLF line ends, several data lines joined.
    assert out["parsed"]["retry"] == 3000
    assert out["parsed"]["events"] == [{"event": "unread", "data": '{"unread": 4}'}]
    assert out["finished"]["events"] == [{"event": "unread", "data": '{"unread": 5}'},
                                         {"event": "message", "data": "a\nb"}]
    assert out["finished"]["rest"] == ""


def test_back_off_doubles_to_a_minute_with_jitter(out):
    # random 0 gives half the delay: 1 s, 2 s, … doubling, at most 60 s.
    assert out["delays"] == [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000]
    assert out["jittered"] == [1500, 3000]


def test_the_live_count_follows_the_stream_and_reconnects_after_it_ends(out):
    live = out["live"]
    assert live["afterFirst"]["counts"] == [1, 2]  # an event split over two chunks
    # The stream ended: reconnect after the server's `retry: 3000` (jitter 0: half).
    assert live["afterFirst"]["delays"] == [1500]
    assert live["counts"] == [1, 2, 3]
    assert [url for url, _ in live["fetched"]] == [STREAM, STREAM]
    assert all(auth == "Bearer tok" for _, auth in live["fetched"])  # the header, not the URL
    assert COUNT not in [url for url, _ in live["fetched"]]  # no polling while it is live


def test_a_stream_that_stays_down_falls_back_to_polling_until_it_is_back(out):
    down = out["down"]
    urls = [url for url, _ in down["fetched"]]
    # Three failed connections (growing waits), then the count is polled; the stream is
    # still tried; once it answers, the count is live and the polling timer is cancelled.
    assert urls[:4] == [STREAM, STREAM, STREAM, COUNT]
    assert down["delays"][:3] == [500, 1000, 2000]
    assert down["whilePolling"] == {"counts": [7], "modes": ["polling"]}
    assert down["counts"] == [7, 8, 9]
    assert down["modes"][:2] == ["polling", "live"]
    assert down["cancelled"] == 1 and urls[-1] == STREAM
    assert down["pendingAfterLive"] == 1  # only the reconnect of the (ended) stream


def test_a_refused_token_ends_the_session_without_retrying(out):
    gone = out["gone"]
    assert gone["unauthorized"] == 1 and gone["pending"] == 0 and gone["delays"] == []


def test_the_list_pages_marks_read_and_opens_the_record(out):
    assert out["firstRows"] == [["n1", "notif-item is-unread"], ["n2", "notif-item is-unread"]]
    assert [r[0] for r in out["pagedRows"]] == ["n1", "n2", "n3"] and out["moreHidden"]
    assert out["afterMarkOne"][1] == ["n2", "notif-item"]
    # Its title, kind and date in the Buddhist Era; "new" only on the unread one; no button
    # (and no stray "null") on a read one.
    when = r"7 มี.ค. 2569 \d\d:\d\d"  # the time in the machine's zone
    shown = out["shownTexts"]
    assert re.fullmatch(f"ลีด n1 ส่งถึงคุณลีดส่งถึงคุณ · {when} · ใหม่อ่านแล้ว", shown[0]), shown
    assert re.fullmatch(f"ลีด n2 ส่งถึงคุณลีดส่งถึงคุณ · {when}", shown[1]), shown
    assert re.fullmatch(f"ลีด n3 ส่งถึงคุณลีดส่งถึงคุณ · {when}", shown[2]), shown
    assert out["navigated"] == ["#/leads/n1"]  # opening it goes to its record
    calls = [(c["url"], c["method"], c["body"]) for c in out["calls"]]
    assert calls[:6] == [
        ("/api/v1/notifications?limit=20", "GET", None),
        ("/api/v1/notifications?limit=20&cursor=c2", "GET", None),
        ("/api/v1/notifications/read", "POST", {"ids": ["n2"]}),
        ("/api/v1/notifications/read", "POST", {"ids": ["n1"]}),  # opened: marked read
        ("/api/v1/notifications/read", "POST", {"all": True}),
        ("/api/v1/notifications?limit=20", "GET", None),  # the list again after "all read"
    ]
    assert all(c["key"] for c in out["calls"] if c["method"] == "POST")  # Idempotency-Key
    assert calls[6] == ("/api/v1/notifications?limit=20&unread=true", "GET", None)
    assert out["unreadCurrent"] == "#/notifications?unread=1"


def test_only_the_apps_own_routes_are_followed(out):
    assert out["safe"] == ["#/leads/3fa85f64-5717-4562-b3fc-2c963f66afa6", "#/leads?box=sent",
                           None, None, None, None]


def test_the_bodies_are_what_the_notifications_service_takes(out):
    from pydantic import TypeAdapter

    from tidtam_notifications.notices.router import Preferences
    from tidtam_notifications.notices.schemas import MarkRead

    for call in out["calls"]:
        if call["url"] == "/api/v1/notifications/read":
            TypeAdapter(MarkRead).validate_python(
                {**call["body"], "ids": ["3fa85f64-5717-4562-b3fc-2c963f66afa6"]}
                if "ids" in call["body"] else call["body"])
    [put] = [c for c in out["calls"] if c["method"] == "PUT"]
    assert out["ticked"] and put["body"] == {"kinds": {"lead_sent": {"email": True,
                                                                     "in_app": False}}}
    Preferences.model_validate(put["body"])  # only the changed kind is sent
    assert out["unchanged"] is None
    assert out["prefsRows"] == ["lead_sent", "lead_assigned", "leads_transferred"]


def test_every_string_is_in_thai_and_english_and_every_kind_has_words(out):
    from tidtam_notifications.notices.kinds import KINDS
    from tidtam_notifications.notices.router import Preferences  # noqa: F401 (registers kinds)

    tables = out["tables"]
    namespaces = {key.split(".")[0] for key in tables["th"]}
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        keys = {k for k in used_keys(source, namespaces) if "${" not in k}
        for lang in ("th", "en"):
            missing = sorted(k for k in keys if k not in tables[lang])
            assert not missing, f"{path.name}: {lang} lacks {missing}"
    for kind in KINDS:  # a new kind of message needs its words here too
        th, en = tables["th"][f"notif.kind.{kind}"], tables["en"][f"notif.kind.{kind}"]
        assert THAI.search(th) and not THAI.search(en), kind
    for key in ("bell.unread", "notif.markAll", "prefs.inApp", "nav.notifications"):
        assert THAI.search(tables["th"][key]) and not THAI.search(tables["en"][key]), key


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_are_small_type_checked_and_never_parse_html(path):
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= 250, f"{path.name}: split it"
    assert source.startswith("// @ts-check"), path.name
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(",
                   "new EventSource"):
        assert unsafe not in source, f"{path.name} uses {unsafe}"
