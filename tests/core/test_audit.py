"""One trail for every view of personal data: the `personal_data` log."""

from core.audit import personal_data_viewed
from tests.wishes.factories import WishFactory
from wishes.services import contact_access_record


def test_a_view_is_one_line_naming_who_what_and_which(caplog, member_user):
    with caplog.at_level("INFO", logger="personal_data"):
        personal_data_viewed(user=member_user, what="member phones", ids=[8, 3, 8])
    assert caplog.messages == [f"user={member_user.pk} viewed member phones ids=[3, 8]"]


def test_nothing_shown_is_nothing_logged(caplog, member_user):
    with caplog.at_level("INFO", logger="personal_data"):
        personal_data_viewed(user=member_user, what="member phones", ids=[])
    assert caplog.messages == []


def test_a_residents_contact_shown_goes_to_the_same_trail(caplog, staff, db):
    wish = WishFactory()
    with caplog.at_level("INFO", logger="personal_data"):
        contact_access_record(user=staff, wish=wish)
    assert caplog.messages == [
        f"user={staff.pk} viewed resident contact ids=[{wish.resident_id}] purpose=wish page"
    ]
