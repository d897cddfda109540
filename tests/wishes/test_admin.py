"""Admin pages of the wishes app, scoped by role."""

import pytest
from django.urls import reverse

from tests.wishes.test_services import soon
from wishes import services
from wishes.models import ContactAccessLog

pytestmark = pytest.mark.django_db

MODELS = ["wish", "claim", "wishtransition", "contactaccesslog", "resident", "proofphoto"]


@pytest.mark.parametrize("model", MODELS)
def test_staff_open_every_wishes_list_in_admin(login, staff, wish, model):
    assert login(staff).get(reverse(f"admin:wishes_{model}_changelist")).status_code == 200


@pytest.mark.parametrize("model", MODELS)
def test_a_member_cannot_open_wishes_admin(login, member, model):
    response = login(member.user).get(reverse(f"admin:wishes_{model}_changelist"))
    assert response.status_code == 302  # to the admin login


def test_staff_see_only_their_communitys_wishes(login, staff, wish, other_wish):
    html = login(staff).get(reverse("admin:wishes_wish_changelist")).content.decode()
    assert "一台血压计" in html and "一个书包" not in html


def test_another_communitys_wish_is_not_found_in_admin(login, other_staff, wish):
    response = login(other_staff).get(reverse("admin:wishes_wish_change", args=[wish.pk]))
    assert response.status_code == 302  # admin redirects a missing object to the index
    assert ContactAccessLog.objects.count() == 0


def test_the_contact_log_is_visible_to_the_communitys_staff_only(
    login, staff, other_staff, member, wish
):
    services.contact_access_record(user=member.user, wish=wish)
    url = reverse("admin:wishes_contactaccesslog_changelist")
    assert (
        "张伟" in login(staff).get(url).content.decode()
        or "zhangwei" in login(staff).get(url).content.decode()
    )
    html = login(other_staff).get(url).content.decode()
    assert "zhangwei" not in html and "李秀英" not in html


def test_committee_admin_sees_wishes_but_not_contact_logs(login, committee_admin, wish):
    client = login(committee_admin)
    assert client.get(reverse("admin:wishes_wish_changelist")).status_code == 200
    assert client.get(reverse("admin:wishes_contactaccesslog_changelist")).status_code == 403


def test_nobody_adds_a_wish_in_admin_bypassing_the_services(login, staff):
    assert login(staff).get(reverse("admin:wishes_wish_add")).status_code == 403


def test_staff_add_a_hardship_category(login, staff):
    from wishes.models import HardshipCategory

    response = login(staff).post(
        reverse("admin:wishes_hardshipcategory_add"),
        {"name": "重度残疾", "order": 5, "is_active": "on"},
    )
    assert response.status_code == 302
    assert HardshipCategory.objects.filter(name="重度残疾").exists()


def test_opening_a_resident_in_admin_is_logged(login, staff, resident):
    response = login(staff).get(reverse("admin:wishes_resident_change", args=[resident.pk]))
    assert response.status_code == 200
    log = ContactAccessLog.objects.get()
    assert (log.user, log.resident, log.wish, log.purpose) == (staff, resident, None, "admin")


def test_the_resident_list_in_admin_shows_no_phone(login, staff, resident):
    html = login(staff).get(reverse("admin:wishes_resident_changelist")).content.decode()
    assert "李秀英" in html and "13900001111" not in html


def test_satisfaction_is_not_editable_in_admin(login, staff, wish):
    url = reverse("admin:wishes_wish_change", args=[wish.pk])
    html = login(staff).get(url).content.decode()
    assert 'name="satisfaction"' not in html and 'name="title"' in html


def test_a_wishs_history_in_admin_reads_in_chinese(login, staff, wish):
    html = login(staff).get(reverse("admin:wishes_wish_change", args=[wish.pk])).content.decode()
    assert "— → 待认领" in html and "published" not in html.split('id="transitions-group"')[1]


def test_admin_shows_a_wish_photo_through_the_checked_page_never_the_media_url(
    login, staff, community, resident
):
    from core.images import image_process
    from tests.wishes.conftest import make_image

    wish = services.wish_post(
        community=community,
        resident=resident,
        by=staff,
        title="轮椅",
        photo=image_process(make_image()),
    )
    html = login(staff).get(reverse("admin:wishes_wish_change", args=[wish.pk])).content.decode()
    assert reverse("wishes:photo", args=["wish", wish.pk, "thumb"]) in html
    assert "/media/" not in html


def test_staff_cannot_rename_a_category_every_community_shares(login, staff):
    from wishes.models import HardshipCategory

    category = HardshipCategory.objects.get(name="低保")
    url = reverse("admin:wishes_hardshipcategory_change", args=[category.pk])
    login(staff).post(url, {"name": "乱改", "order": 1, "is_active": ""})
    category.refresh_from_db()
    assert category.name == "低保" and category.is_active


def test_the_platform_retires_a_category(login, superuser):
    from wishes.models import HardshipCategory

    category = HardshipCategory.objects.get(name="低保")
    url = reverse("admin:wishes_hardshipcategory_change", args=[category.pk])
    response = login(superuser).post(url, {"name": "低保", "order": 1})
    assert response.status_code == 302
    category.refresh_from_db()
    assert not category.is_active


def test_a_committee_admin_cannot_rename_a_category_every_district_uses(login, committee_admin):
    from wishes.models import HardshipCategory

    category = HardshipCategory.objects.get(name="低保")
    url = reverse("admin:wishes_hardshipcategory_change", args=[category.pk])
    login(committee_admin).post(url, {"name": "改名", "order": 1, "is_active": "on"})
    category.refresh_from_db()
    assert category.name == "低保"


def test_saving_a_wish_in_admin_never_writes_its_state(login, staff, member, wish):
    from wishes.models import Wish

    url = reverse("admin:wishes_wish_change", args=[wish.pk])
    client = login(staff)
    # The claim happens between the admin loading the wish and the save (same request here:
    # the admin reads the row while a concurrent claim commits).
    original_save = Wish.save

    def save_after_a_claim(self, *args, **kwargs):
        Wish.objects.filter(pk=self.pk).update(state=Wish.State.CLAIMED)
        return original_save(self, *args, **kwargs)

    Wish.save = save_after_a_claim
    try:
        client.post(
            url,
            {
                "resident": wish.resident_id,
                "title": "改过的标题",
                "description": wish.description,
                "category": wish.category,
                "deadline": wish.deadline.isoformat(),
                "claims-TOTAL_FORMS": 0,
                "claims-INITIAL_FORMS": 0,
                "transitions-TOTAL_FORMS": 0,
                "transitions-INITIAL_FORMS": 0,
            },
        )
    finally:
        Wish.save = original_save
    wish.refresh_from_db()
    assert wish.title == "改过的标题" and wish.state == Wish.State.CLAIMED


def test_the_contact_log_says_where_in_chinese(login, staff, wish):
    services.contact_access_record(user=staff, wish=wish)
    html = login(staff).get(reverse("admin:wishes_contactaccesslog_changelist")).content.decode()
    assert "心愿页面" in html and "wish page" not in html


def _admin_edit(client, wish, **changes):
    url = reverse("admin:wishes_wish_change", args=[wish.pk])
    data = {
        "title": wish.title,
        "description": wish.description,
        "category": wish.category,
        "resident": wish.resident_id,
        "deadline": "",
        "estimated_value": "",
        "photo_is_public": "",
        "claims-TOTAL_FORMS": "0",
        "claims-INITIAL_FORMS": "0",
        "transitions-TOTAL_FORMS": "0",
        "transitions-INITIAL_FORMS": "0",
        **changes,
    }
    return client.post(url, data)


def test_an_admin_edit_goes_through_the_service_and_leaves_a_step_in_the_history(
    login, staff, wish
):
    response = _admin_edit(login(staff), wish, title="一台新电风扇")
    assert response.status_code == 302
    wish.refresh_from_db()
    step = wish.transitions.order_by("at", "pk").last()
    assert wish.title == "一台新电风扇"
    assert (step.from_state, step.to_state, step.by) == (wish.state, wish.state, staff)
    assert "标题" in step.reason


def test_a_claimed_wish_is_shown_read_only_in_admin(login, staff, member, wish):
    services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    html = login(staff).get(reverse("admin:wishes_wish_change", args=[wish.pk])).content.decode()
    assert 'name="title"' not in html and 'name="_save"' not in html
    assert _admin_edit(login(staff), wish, title="改掉的标题").status_code == 403
    wish.refresh_from_db()
    assert wish.title != "改掉的标题"


def test_even_a_superuser_cannot_save_over_a_claimed_wish_and_is_told_why(
    login, superuser, member, wish
):
    services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    response = _admin_edit(login(superuser), wish, title="改掉的标题")
    assert response.status_code == 200
    assert "这个心愿已不能修改。" in response.content.decode()
    wish.refresh_from_db()
    assert wish.title != "改掉的标题"
