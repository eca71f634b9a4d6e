"""Each typed row names exactly the columns its queries select."""

import uuid

import pytest

from tidtam_leads.followups.repository import COLUMNS as ENTRY_COLUMNS
from tidtam_leads.followups.repository import AuthoredEntryRow, EntryRow
from tidtam_leads.leads.repository import COLUMNS, LeadRow, LeadView

pytestmark = pytest.mark.unit


def test_lead_row_is_the_selected_columns():
    assert set(LeadRow.__annotations__) == {c.name for c in COLUMNS}
    assert set(LeadView.__annotations__) - set(LeadRow.__annotations__) == {"label_ids"}


def test_entry_row_is_the_table():
    assert set(EntryRow.__annotations__) == {c.name for c in ENTRY_COLUMNS}
    assert set(AuthoredEntryRow.__annotations__) - set(EntryRow.__annotations__) == {
        "author_name"}


def test_list_answer_columns_are_the_answer_model():
    """The hot list page selects LeadOut's fields, by name and in order (its bytes are
    pydantic's: tests/leads/test_leads_answers.py)."""
    from tidtam_leads.leads.repository import ANSWER_FIELDS, _answer_columns
    from tidtam_leads.leads.schemas import LeadOut

    assert list(ANSWER_FIELDS) == list(LeadOut.model_fields)
    assert [c.key for c in _answer_columns(uuid.uuid4())] == list(ANSWER_FIELDS)
