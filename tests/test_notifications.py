"""Notifications: once per occasion, emailed once after commit, a user sees only their own."""

import pytest
from django.db.models import Q
from django.urls import reverse

from core.pagecache import user_pages_changed
from notifications.models import Notification
from notifications.services import (
    Message,
    notification_email,
    notifications_mark_read,
    notify,
    notify_many,
    occasion,
)
from tests import factories as f

TEMPLATE = "members/email/registration_confirmed"


@pytest.fixture
def registration(member):
    return member.registrations.get()


def _send(user, registration, key="registration:1:confirmed"):
    return notify(
        user=user, key=key, template=TEMPLATE, context={"registration": registration}, url="/me/"
    )


def test_send_creates_a_notification_and_emails_after_commit(
    member_user, registration, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        n = _send(member_user, registration)
        assert mailoutbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert n.subject and registration.community.name in n.subject
    assert len(mailoutbox) == 1
    assert mailoutbox[0].to == [member_user.email]
    assert mailoutbox[0].alternatives  # an HTML part too


def test_the_same_occasion_is_notified_once(
    member_user, registration, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert _send(member_user, registration) is not None
        assert _send(member_user, registration) is None
    assert Notification.objects.filter(user=member_user).count() == 1
    assert len(mailoutbox) == 1


def test_an_email_is_sent_once_even_if_the_task_runs_twice(member_user, registration, mailoutbox):
    n = _send(member_user, registration)
    assert notification_email(notification_id=n.pk, template=TEMPLATE, language=None)
    assert not notification_email(notification_id=n.pk, template=TEMPLATE, language=None)
    assert len(mailoutbox) == 1


def test_inactive_users_are_not_notified(member_user, registration):
    member_user.is_active = False
    member_user.save()
    assert _send(member_user, registration) is None


def test_list_shows_only_own_notifications(login, member_user, staff, registration):
    _send(member_user, registration)
    _send(staff, registration)
    page = login(member_user).get(reverse("notifications:list")).context["page"]
    assert [n.user_id for n in page] == [member_user.pk]


def test_list_needs_login(client, db):
    response = client.get(reverse("notifications:list"))
    assert response.status_code == 302


def test_mark_all_read(login, member_user, registration):
    _send(member_user, registration)
    login(member_user).post(reverse("notifications:mark_all_read"))
    assert not Notification.objects.filter(user=member_user, read_at__isnull=True).exists()


def test_mark_read_touches_only_own(member_user, staff, registration):
    _send(staff, registration)
    assert notifications_mark_read(user=member_user) == 0
    assert Notification.objects.filter(user=staff, read_at__isnull=True).exists()


def test_header_badge_counts_unread(login, member_user, registration):
    _send(member_user, registration)
    response = login(member_user).get(reverse("portal:home"))
    assert response.context["unread_notification_count"] == 1


@pytest.mark.parametrize("n", [2, 12])
def test_notification_list_queries(login, member_user, n, django_assert_num_queries):
    for i in range(n):
        Notification.objects.create(user=member_user, key=f"k{i}", subject="s", body="b")
    client = login(member_user)
    client.get(reverse("notifications:list"))
    user_pages_changed(member_user.pk)  # the page made again, not served from the cache
    # the count and the page (session, user, roles and badge from the cache)
    with django_assert_num_queries(2):
        client.get(reverse("notifications:list"))


def test_admin_shows_a_user_only_their_own(login, staff, member_user):
    Notification.objects.create(user=staff, key="a", subject="mine", body="b")
    Notification.objects.create(user=member_user, key="b", subject="theirs", body="b")
    response = login(staff).get(reverse("admin:notifications_notification_changelist"))
    assert [n.subject for n in response.context["cl"].result_list] == ["mine"]


def test_every_page_offers_the_language_switcher(client, db):
    content = client.get(reverse("portal:home")).content.decode()
    assert f'action="{reverse("set_language")}"' in content and 'value="en"' in content


def test_english_through_the_language_switcher(client, db):
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    content = client.get(reverse("portal:home")).content.decode()
    assert 'lang="en"' in content and "Communities" in content


def test_chinese_by_default(client, db):
    content = client.get(reverse("portal:home")).content.decode()
    assert "社区" in content and 'lang="zh-hans"' in content


def test_chinese_names_are_accepted_everywhere(db):
    user = f.UserFactory(username="欧阳娜娜", email="ouyang@example.org")
    user.full_clean()
    member = f.MemberFactory(user=user, real_name="欧阳娜娜")
    member.full_clean()


def test_a_notification_is_written_in_the_site_language_whatever_the_actor_reads(
    member_user, registration, mailoutbox, django_capture_on_commit_callbacks
):
    from django.utils import translation

    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        n = _send(member_user, registration)
    assert "已确认" in n.subject
    assert mailoutbox[0].subject == n.subject


def test_an_occasion_key_joins_its_parts_and_fits_the_column():
    assert occasion("wish", 12, "claim", 3, "fulfilled") == "wish:12:claim:3:fulfilled"
    assert len(occasion("x" * 200)) == Notification._meta.get_field("key").max_length


def test_notify_many_skips_occasions_already_notified_and_emails_the_rest_once(
    member_user, staff, registration, mailoutbox, django_capture_on_commit_callbacks
):
    key = occasion("registration", registration.pk, "confirmed")
    messages = [
        Message(user=u, key=key, context={"registration": registration}, url="/me/")
        for u in (member_user, staff)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        _send(member_user, registration, key=key)
        notify_many(messages=messages, template=TEMPLATE, existing=Q(key=key))
        notify_many(messages=messages, template=TEMPLATE, existing=Q(key=key))
    assert Notification.objects.filter(key=key).count() == 2
    assert sorted(m.to[0] for m in mailoutbox) == sorted([member_user.email, staff.email])
