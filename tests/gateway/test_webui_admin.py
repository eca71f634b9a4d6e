"""The admin screens and the pipeline board (webui/static/screens/admin/, screens/board*.js,
segments.js): their logic run in node against the stand-in DOM (webui_admin.mjs), checked
against the services' own request models, and every string in Thai and English."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tidtam_gateway.webui.router import STATIC_DIR

from .test_webui import NODE, used_keys

pytestmark = [pytest.mark.unit,
              pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs it)")]

THAI = re.compile("[\u0e00-\u0e7f]")
SCREENS = STATIC_DIR / "screens"
MODULES = sorted([*(SCREENS / "admin").glob("*.js"), SCREENS / "board.js",
                  SCREENS / "board-model.js", SCREENS / "labels.js", STATIC_DIR / "segments.js",
                  STATIC_DIR / "errors.js"])
# This part's own ways of naming a key: button("k", …), adminPage(root, "k"), heading: "k".
MORE_KEY_USES = [re.compile(r"""\bbutton\(\s*"([^"]+)\""""),
                 re.compile(r"""\badminPage\(\s*\w+,\s*"([^"]+)\""""),
                 re.compile(r"""\bheading:\s*"([^"]+)\""""),
                 re.compile(r"""\bsubmitKey:\s*"([^"]+)\""""),
                 re.compile(r"""\btitle:\s*"([^"]+)\"""")]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> dict:
    folder = tmp_path_factory.mktemp("admin")
    shutil.copytree(STATIC_DIR, folder, dirs_exist_ok=True)
    for mjs in Path(__file__).parent.glob("*.mjs"):
        shutil.copy(mjs, folder / mjs.name)
    (folder / "package.json").write_text('{"type": "module"}')
    result = subprocess.run([NODE, str(folder / "webui_admin.mjs")], capture_output=True,
                            text=True, timeout=60, cwd=folder)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_board_columns_follow_stage_order_with_counts_and_exact_sums(out):
    # Stage order by position; a lead of another pipeline is on no column; 0.1 + 0.2 is 0.3.
    assert out["cols"] == [["s1", 2, 0.3], ["s2", 1, 0], ["s3", 0, 0]]
    assert [lead["stage_id"] for lead in out["movedLeads"]] == ["s3", "s1", "s2", "other-pipeline"]
    assert out["targets"] == ["s2", "s3"]  # every stage but the card's own, in order
    assert out["sum"] == 151234.5  # blanks and non-numbers count as nothing


def test_refused_moves_are_explained_in_the_users_language(out):
    th, en = out["refusals"]["th"], out["refusals"]["en"]
    # A 409 from POST /leads/{id}/stage on the board is the stage-back rule, by code or not.
    assert th["back"] == th["backCode"] and "ย้อนกลับ" in th["back"]
    assert en["back"] == en["backCode"] and "earlier stage" in en["back"]
    assert th["readOnly"] != th["back"] and THAI.search(th["readOnly"])
    for key in ("back", "readOnly", "network", "teamExists"):
        assert THAI.search(th[key]), key
        assert not THAI.search(en[key]), key
    assert th["teamExists"] == "มีทีมชื่อนี้อยู่แล้ว"
    # An unknown code falls back to the server's message.
    assert th["unknownCode"] == en["unknownCode"] == "server says"
    # Every screen's errors go through errors.js: a specific code in the user's language, a
    # generic one (`conflict`) with the server's message, which says more.
    assert th["salesCode"].startswith("ขั้นตอนนี้ยังมีลีดอยู่") and en["salesCode"].startswith("This stage")
    assert th["genericCode"] == en["genericCode"] == "the lead is already lost"
    # Field errors: a known code is translated, an unknown one keeps the server's sentence.
    assert th["fields"] == ("name: กรุณากรอกช่องนี้ · note: ยาวเกินไป: ไม่เกิน 200 ตัวอักษร · "
                            "color: String should match pattern")
    assert en["fields"] == ("name: Please fill this in · note: Too long: at most 200 characters · "
                            "color: String should match pattern")

def test_stage_reorder_moves_one_place_and_stops_at_the_ends(out):
    assert out["reorder"] == [["a", "c", "b"], ["a", "b", "c"], ["b", "a", "c"]]


def test_new_pipeline_stages_are_what_the_leads_api_takes(out):
    schemas = pytest.importorskip("tidtam_leads.pipelines.schemas")
    assert out["stageLines"] == [{"name": "ติดต่อ"}, {"name": "เสนอราคา"}, {"name": "ปิดการขาย"}]
    schemas.PipelineIn.model_validate({"name": "โครงการ", "stages": out["stageLines"]})


def test_a_queue_matches_only_what_the_form_chose(out):
    from tidtam_leads.queues.schemas import QueueMatch
    none, some = out["queueMatches"]
    assert none == {}  # nothing chosen: every new lead
    assert some == {"source": "line", "segment_id": "3f1e8a56-1b0c-4a34-9d7e-0d7b1f0c2a11",
                    "product_ids": ["9b2f6c1e-6a8d-4f0e-8f57-2d6f1c3e4b55"]}
    for body in (none, some):
        QueueMatch.model_validate(body)


def test_a_queue_edit_patches_only_what_changed_and_the_api_takes_it(out):
    from tidtam_leads.queues.schemas import QueuePatch
    unchanged, edited, strategy = out["queuePatches"]
    # The same queue (products in another order, no nulls) is no change at all.
    assert unchanged == {}
    # The match goes whole (PATCH replaces it), keeping the custom values the form can't edit.
    assert edited == {
        "name": "ขายปลีก",
        "members": ["4d0c5a43-0a2b-4b59-9a3e-1f7c9a0e2b02", "4d0c5a43-0a2b-4b59-9a3e-1f7c9a0e2b01"],
        "match": {"source": "line", "custom": {"grade": "A"},
                  "segment_id": "3f1e8a56-1b0c-4a34-9d7e-0d7b1f0c2a11"}}
    assert strategy == {"strategy": "least_open"}
    for body in (unchanged, edited, strategy):
        QueuePatch.model_validate(body)


def test_a_queue_s_custom_field_conditions(out):
    """The queue form's custom-field inputs: what is filled in is the condition, a field
    deleted since keeps its condition, an emptied one drops it; shown in both languages."""
    from tidtam_leads.queues.schemas import QueueMatch
    c = out["queueCustom"]
    assert c["texts"]["th"] == "เกรด = A, สนใจ = กล้อง + เครื่องบันทึก, ลูกค้าวีไอพี = ใช่, gone = z"
    assert c["texts"]["en"] == "Grade = A, Interests = CCTV + Recorder, VIP = yes, gone = z"
    assert c["kept"] == {"gone": "z", "grade": "B", "interest": ["nvr"]}
    assert c["cleared"] == {}
    assert c["match"] == {"custom": {"grade": "B", "vip": True}}
    QueueMatch.model_validate(c["match"])


def test_a_stages_probability_is_what_the_leads_api_takes(out):
    from tidtam_leads.pipelines import schemas
    assert out["percents"] == [40, None, 100]  # blank clears it
    for value in out["percents"]:
        schemas.StageIn.model_validate({"name": "ชนะ", "probability": value})
        schemas.StagePatch.model_validate({"probability": value})


def test_settings_are_drawn_from_their_description_and_patch_only_what_changed(out):
    # GET /settings' `items` (type, allowed values) decide each control; without `items`
    # the visibilities are choices, and another value is drawn by its own type.
    assert [(s["key"], s["type"]) for s in out["described"]] == [
        ("lead_visibility", "choice"), ("quote_days", "choice")]
    assert [(s["key"], s["type"]) for s in out["inferred"]] == [
        ("lead_visibility", "choice"), ("allow_stage_back", "boolean"), ("note", "text")]
    # A setting this UI has no words for is named by the API's description.
    assert out["labels"] == ["How long a quote is valid",
                             "ให้ผู้ใช้ทุกคนย้ายลีดย้อนกลับไปขั้นตอนก่อนหน้าได้"]
    assert out["settingsPatch"] == {"lead_visibility": "own"}
    from tidtam_gateway.settings.schemas import SettingsPatch
    SettingsPatch.model_validate(out["settingsPatch"])


def test_custom_field_bodies_are_what_the_api_takes(out):
    from crmkit.custom.schemas import CustomFieldCreate, CustomFieldPatch
    assert out["fieldSelect"] == {"key": "grade", "label_th": "เกรด", "label_en": None,
                                  "type": "select", "required": True, "options": ["A", "B", "C"]}
    assert out["fieldText"]["options"] == [] and out["fieldText"]["required"] is False
    for body in (out["fieldSelect"], out["fieldText"]):
        CustomFieldCreate.model_validate(body)
    # An edit sends only what changed (an unchanged type or options could be refused).
    assert out["patchUnchanged"] == {}
    assert out["patchEdited"] == {"label_th": "เกรดลูกค้า", "label_en": None, "required": False,
                                  "options": ["A", "B", "C"]}
    CustomFieldPatch.model_validate(out["patchEdited"])


def test_the_webhooks_screen_sends_what_the_api_takes_and_says_deliveries_in_both(out):
    from tidtam_notifications.webhooks.schemas import WebhookCreate, WebhookPatch
    assert out["hookBody"] == {"url": "https://erp.example.co.th/hook",
                               "events": ["lead.*", "account.created"], "description": None}
    WebhookCreate.model_validate(out["hookBody"])
    assert out["patterns"] == ["lead.sent", "user.*"]
    WebhookPatch.model_validate({"events": out["patterns"]})
    waiting, delivered = out["deliveryLines"]["th"]
    assert waiting.startswith("รอส่ง · lead.created · HTTP 503 · 41 มิลลิวินาที · ครั้งที่ส่ง 2")
    assert "2568" in waiting  # the next attempt in the Buddhist Era
    assert delivered.startswith("ส่งสำเร็จ") and "ครั้งถัดไป" not in delivered
    waiting, delivered = out["deliveryLines"]["en"]
    assert waiting.startswith("waiting · lead.created · HTTP 503 · 41 ms · attempts 2 · "
                              "next attempt 7 Mar 2025")
    assert delivered == "delivered · lead.created · HTTP 200 · 41 ms · attempts 1"


def test_the_privacy_screen_sends_what_the_gateway_takes_and_says_progress_in_both(out):
    from tidtam_gateway.privacy.schemas import PrivacyRequestIn
    export, erase, empty = out["privacyBodies"]
    assert export == {"kind": "export", "email": "Somchai@Example.co.th"}
    assert erase == {"kind": "erase", "phone": "081-234-5678", "line_id": "somchai_01"}
    for body in (export, erase):
        PrivacyRequestIn.model_validate(body)
    # No key: refused in the form, in the user's language, before anything is sent.
    assert empty == {"error": "กรอกอีเมล เบอร์โทรศัพท์ หรือ LINE ID อย่างน้อยหนึ่งอย่าง"}
    assert 1000 <= out["privacyPollMs"] <= 10000
    th, en = out["privacyLines"]["th"], out["privacyLines"]["en"]
    assert en["request"].startswith("See and get a copy of the data (export) · done · "
                                    "identified by email, phone · requested 7 Mar 2025")
    assert th["request"].startswith("ขอดูและรับสำเนาข้อมูล (export) · เสร็จแล้ว · ระบุตัวด้วย อีเมล, เบอร์โทร")
    assert "2568" in th["request"]  # the Buddhist Era
    done, pending = en["progress"]
    assert done.startswith("leads · done · found: leads 2, history 5 · answered 7 Mar 2025")
    assert "consents" not in done  # a zero count is not said
    assert pending == "documents · in progress · waiting for its answer"
    assert en["nothing"] == "capture · done · nothing found"
    assert th["progress"][1] == "documents · กำลังดำเนินการ · รอคำตอบ"
    assert en["kept"] == ["leads: consents.text (2): proof of consent"]
    assert th["kept"] == ["leads: consents.text (2 รายการ): proof of consent"]


def test_a_segment_saves_the_lists_filter_without_paging(out):
    from crmkit.custom.schemas import SegmentCreate
    assert out["segment"] == {"box": "inbox", "label_id": "l1", "cf.grade": "A"}
    SegmentCreate.model_validate({"name": "เกรด A", "filters": out["segment"], "shared": True})


def test_a_teams_members_are_its_active_users(out):
    assert out["members"] == ["ก"]


def test_every_string_of_this_part_is_in_thai_and_english(out):
    tables = out["tables"]
    assert set(tables["th"]) == set(tables["en"])
    assert all(text.strip() for table in tables.values() for text in table.values())
    namespaces = {key.split(".")[0] for key in tables["th"]}
    for path in MODULES:
        source = path.read_text(encoding="utf-8")
        more = {k for rx in MORE_KEY_USES for k in rx.findall(source)}
        keys = {k for k in used_keys(source, namespaces) | more if "${" not in k}
        assert keys or "i18n.js" not in source, path.name  # the extraction found its keys
        for lang in ("th", "en"):
            missing = sorted(k for k in keys if k not in tables[lang])
            assert not missing, f"{path.name}: {lang} lacks {missing}"
    for key in ("nav.users", "nav.pipelines", "nav.board", "keys.once", "cf.type.select",
                "seg.save", "nav.webhooks", "wh.once", "wh.status.failed", "adm.copy",
                "nav.privacy", "pv.eraseWarn", "pv.status.pending"):
        assert THAI.search(tables["th"][key]) and not THAI.search(tables["en"][key]), key


@pytest.mark.parametrize("path", MODULES, ids=lambda p: p.name)
def test_modules_are_small_type_checked_and_never_parse_html(path):
    source = path.read_text(encoding="utf-8")
    assert source.count("\n") <= 250, f"{path.name}: split it"
    assert source.startswith("// @ts-check"), path.name
    for unsafe in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("):
        assert unsafe not in source, f"{path.name} uses {unsafe}"
