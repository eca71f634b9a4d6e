"""Each typed row names exactly the columns its queries select."""

import pytest

from tidtam_accounts.accounts.repository import COLUMNS as ACCOUNT_COLUMNS
from tidtam_accounts.accounts.repository import AccountRow
from tidtam_accounts.contacts.repository import COLUMNS as CONTACT_COLUMNS
from tidtam_accounts.contacts.repository import ContactRow

pytestmark = pytest.mark.unit


def test_account_row_is_the_selected_columns():
    assert set(AccountRow.__annotations__) == {c.name for c in ACCOUNT_COLUMNS}


def test_contact_row_is_the_table():
    assert set(ContactRow.__annotations__) == {c.name for c in CONTACT_COLUMNS}
