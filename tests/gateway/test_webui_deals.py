"""The deals screens (webui/static/screens/deals/): their logic run in node against the
stand-in DOM (webui_deals.mjs), the bodies checked against the deals API's own request
models, and the words in Thai and English (every key of every module in both languages is
test_webui.py's)."""

from __future__ import annotations

import pytest

from tidtam_leads.actions.schemas import ReasonIn
from tidtam_leads.deals.schemas import DealPatch, DealWonIn

from .test_webui import NODE, run_node

U2 = "00000000-0000-4000-8000-000000000002"  # webui_deals.mjs's colleague
pytestmark = [pytest.mark.unit,
              pytest.mark.skipif(NODE is None, reason="node is not on PATH (.ci/run installs it)")]


@pytest.fixture(scope="module")
def out(tmp_path_factory) -> dict:
    return run_node(tmp_path_factory.mktemp("deals"), "webui_deals.mjs")


def test_an_edit_sends_only_what_changed_in_the_api_shape(out):
    # 150000 typed for 150000.00 is no change; the rest differs from the deal
    assert out["patch"] == {"probability": 60, "expected_close": "2027-01-31", "owner_id": U2}
    assert out["unchanged"] == {}
    DealPatch.model_validate(out["patch"])


def test_product_lines_are_sent_only_when_changed_and_sum_to_the_satang(out):
    # the form shows a summed amount and a stage-default probability empty: untouched, nothing
    assert out["linesKept"] == {}
    changed = out["linesChanged"]
    assert changed == {"probability": 55, "lines": [
        {"name": "กล้อง", "quantity": "2", "price": "75000.00"},
        {"product_id": "00000000-0000-4000-8000-0000000000aa", "quantity": "1.5"}]}
    DealPatch.model_validate(changed)
    assert out["total"] == 10.51  # 0.30 + 0.20 + 10.005 → 10.01 (each line to the satang)


def test_typed_amounts_lose_separators_and_bad_ones_are_refused_before_sending(out):
    assert out["amounts"] == ["1500000.50", "15000", "2000", "", None, None, None]
    body = {"amount": out["amounts"][0], "closed_on": out["today"]}
    assert out["today"] == "2026-12-07"
    won = DealWonIn.model_validate(body)
    assert str(won.amount) == "1500000.50"
    ReasonIn.model_validate({"reason": "ราคาสูงกว่าคู่แข่ง"})


def test_the_history_says_each_change_before_and_after_in_words(out):
    th, en = out["words"]["th"], out["words"]["en"]
    created, moved, won, updated, relined = en["lines"]
    assert created == ["Deal name: ดีล ก", "Amount (THB): ฿150,000", "Stage: Contacted"]
    assert moved == ["Stage: Contacted → Quoted"]  # the pipeline did not change: left out
    assert won == ["Status: Open → Won", "Closed on: — → 7 Dec 2026",
                   "Amount (THB): ฿150,000 → ฿175,000.50"]
    assert updated[0].startswith("Owner: Me (สมศรี) → มานี")
    assert updated[1] == "Probability (%): 20% → 60%"
    assert updated[2] == "Other detail: 1 → 2"  # a field this UI does not know is still said
    assert relined == ["Product lines: — → 1 lines: กล้อง × 2",
                       "Amount from: typed → the sum of the product lines",
                       "Probability set by hand: Yes → No (the stage's default)"]
    assert th["lines"][1] == ["ขั้นตอน: ติดต่อ → เสนอราคา"]
    assert "7 ธ.ค. 2569" in th["lines"][2][1]  # Buddhist Era in Thai
    assert en["kinds"] == ["Deal created", "Stage changed", "Won", "Lost", "Reopened",
                           "Details changed", "Changed"]
    assert all(k and "." not in k for k in th["kinds"])


def test_the_deals_board_sums_amounts_exactly_and_says_refusals_about_deals(out):
    assert out["cols"] == [["s1", 2, 0.3], ["s2", 1, 0]]
    assert "ดีล" in out["words"]["th"]["back"] and "ย้อนกลับ" in out["words"]["th"]["back"]
    assert "deal back to an earlier stage" in out["words"]["en"]["back"]
    # another 409 keeps its own words
    assert out["words"]["en"]["won"] == "This deal is already won"


def test_deal_links_reach_their_screens_and_filters_reach_the_list_call(out):
    assert [r[0] for r in out["routes"]] == ["/deals", "/deals/new", "/deals/board",
                                             "/deals/board/:pipelineId", "/deals/:id",
                                             "/deals/:id/edit"]
    assert out["routes"][3][1]["pipelineId"] == "p1" and out["routes"][4][1]["id"] == "d1"
    assert out["queries"][0] == {"status": "won", "owner_id": U2, "pipeline_id": "p1"}
    assert out["queries"][1] == {} and out["queries"][2] == {"account_id": "a1"}
    assert {"url": "/api/v1/deals?account_id=a1&limit=20", "method": "GET"} in out["calls"]
