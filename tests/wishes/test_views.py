"""The pages: who may open what (a permission table per URL), and what each shows."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from tests.factories import once
from tests.wishes.conftest import make_image
from tests.wishes.factories import ClaimFactory, WishFactory
from wishes import services
from wishes.models import Claim, ContactAccessLog, Wish

pytestmark = pytest.mark.django_db

S = Wish.State


def soon(days=5):
    return timezone.localdate() + datetime.timedelta(days=days)


@pytest.fixture
def fulfilled_wish(member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(claim=claim, by=member.user, note="已送到")
    wish.refresh_from_db()
    return wish


@pytest.fixture
def submitted_wish(community):
    return services.wish_submit_public(
        community=community, name="赵桂兰", phone="13700002222", address="5号楼", title="上门理发"
    )


def get_as(client, login, request, role, url):
    if role == "anonymous":
        return client.get(url)
    who = request.getfixturevalue(role)
    return login(getattr(who, "user", who)).get(url)


# ---------------------------------------------------------------------------------------------
# The permission table
# ---------------------------------------------------------------------------------------------
STAFF_PAGES = ["wishes:staff_list", "wishes:review_queue", "wishes:post", "wishes:export"]


@pytest.mark.parametrize("name", STAFF_PAGES)
@pytest.mark.parametrize(
    "role,status",
    [("staff", 200), ("member", 403), ("org_admin", 403), ("outsider", 403), ("anonymous", 302)],
)
def test_staff_pages_are_for_staff(client, login, request, name, role, status):
    assert get_as(client, login, request, role, reverse(name)).status_code == status


@pytest.mark.parametrize(
    "role,status",
    [("anonymous", 200), ("outsider", 200), ("member", 200), ("other_staff", 200)],
)
def test_public_pages_are_open_to_everyone(client, login, request, role, status, wish):
    for url in [
        reverse("wishes:wall"),
        reverse("wishes:stories"),
        reverse("wishes:submit"),
        reverse("wishes:detail", args=[wish.pk]),
    ]:
        assert get_as(client, login, request, role, url).status_code == status, url


@pytest.mark.parametrize(
    "role,status",
    [
        ("staff", 200),
        ("other_staff", 404),
        ("member", 404),
        ("outsider", 404),
        ("anonymous", 404),
        ("committee_admin", 200),
    ],
)
def test_a_submitted_wish_is_seen_only_by_its_staff(
    client, login, request, role, status, submitted_wish
):
    url = reverse("wishes:detail", args=[submitted_wish.pk])
    assert get_as(client, login, request, role, url).status_code == status


@pytest.mark.parametrize("name", ["wishes:review", "wishes:confirm"])
@pytest.mark.parametrize(
    "role,status",
    [("staff", 200), ("other_staff", 404), ("member", 404), ("committee_admin", 404)],
)
def test_staff_pages_of_a_wish_are_for_its_own_staff(
    client, login, request, name, role, status, submitted_wish, fulfilled_wish
):
    target = submitted_wish if name == "wishes:review" else fulfilled_wish
    url = reverse(name, args=[target.pk])
    assert get_as(client, login, request, role, url).status_code == status


@pytest.mark.parametrize(
    "role,status",
    [("member", 200), ("neighbour", 404), ("other_member", 404), ("staff", 404), ("outsider", 404)],
)
def test_the_fulfil_page_is_for_the_claimant(client, login, request, role, status, member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    url = reverse("wishes:fulfil", args=[claim.pk])
    if role == "member":
        assert login(member.user).get(url).status_code == 200
    else:
        assert get_as(client, login, request, role, url).status_code == status


@pytest.mark.parametrize("role,status", [("member", 200), ("anonymous", 302)])
def test_my_claims_needs_a_login(client, login, request, role, status):
    assert get_as(client, login, request, role, reverse("wishes:my_claims")).status_code == status


@pytest.mark.parametrize(
    "name,data",
    [
        ("wishes:cancel", {"reason": "重复"}),
        ("wishes:satisfaction", {"score": "5"}),
        ("wishes:review", {"action": "reject", "reason": "x"}),
    ],
)
def test_other_communitys_staff_get_404_on_every_staff_action(login, other_staff, wish, name, data):
    response = login(other_staff).post(reverse(name, args=[wish.pk]), data)
    assert response.status_code == 404
    wish.refresh_from_db()
    assert wish.state == S.PUBLISHED


def test_other_communitys_staff_cannot_bulk_cancel_our_wishes(login, other_staff, wish):
    login(other_staff).post(
        reverse("wishes:staff_bulk"), {"action": "cancel", "ids": [wish.pk], "reason": "x"}
    )
    wish.refresh_from_db()
    assert wish.state == S.PUBLISHED


def test_a_member_of_another_community_is_refused_a_claim(login, other_member, wish):
    response = login(other_member.user).post(
        reverse("wishes:claim", args=[wish.pk]), {"promised_date": soon(), "claim_as": "member"}
    )
    assert response.status_code == 302
    assert not Claim.objects.exists()
    follow = login(other_member.user).get(response.url)
    assert "只能认领您所报到社区的心愿" in follow.content.decode()


def test_a_non_claimant_releasing_someone_elses_claim_gets_404(login, neighbour, member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    assert login(neighbour.user).post(reverse("wishes:release", args=[claim.pk])).status_code == 404
    claim.refresh_from_db()
    assert claim.state == Claim.State.ACTIVE


# ---------------------------------------------------------------------------------------------
# Privacy
# ---------------------------------------------------------------------------------------------
def test_public_detail_is_anonymized(client, wish):
    html = client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    assert "李某" in html
    assert "李秀英" not in html and "13900001111" not in html and "和平里3号楼" not in html


def test_wall_is_anonymized(client, wish):
    html = client.get(reverse("wishes:wall")).content.decode()
    assert "一台血压计" in html and "李某" in html and "和平社区" in html
    assert "李秀英" not in html and "13900001111" not in html


def test_a_non_claimant_member_does_not_see_contact_details(login, neighbour, member, wish):
    services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    html = login(neighbour.user).get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    assert "13900001111" not in html
    assert not ContactAccessLog.objects.exists()


def test_the_claimant_sees_contact_details_and_the_view_is_logged(login, member, wish):
    services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    html = login(member.user).get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    assert "13900001111" in html and "和平里3号楼2单元501" in html
    log = ContactAccessLog.objects.get()
    assert (log.user, log.resident, log.wish) == (member.user, wish.resident, wish)


def test_the_claimant_no_longer_sees_contact_details_after_releasing(login, member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_release(claim=claim, by=member.user)
    html = login(member.user).get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    assert "13900001111" not in html


def test_a_claim_shows_the_contact_on_a_page_seen_before_it(login, member, wish):
    """The wish's open claim is kept in the cache (wishes.permissions.open_claim_of): a claim
    starts it afresh."""
    client = login(member.user)
    assert (
        "13900001111" not in client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    )
    services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    assert "13900001111" in client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()


def test_a_release_hides_the_contact_on_a_page_seen_before_it(login, member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    client = login(member.user)
    assert "13900001111" in client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    services.claim_release(claim=claim, by=member.user)
    assert (
        "13900001111" not in client.get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    )


def test_the_claimant_no_longer_sees_contact_details_once_the_wish_is_completed(
    login, staff, member, fulfilled_wish
):
    services.wish_confirm(wish=fulfilled_wish, by=staff, hours="2")
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.state == S.COMPLETED
    assert fulfilled_wish.claims.get().state == Claim.State.COMPLETED
    url = reverse("wishes:detail", args=[fulfilled_wish.pk])
    html = login(member.user).get(url).content.decode()
    assert "13900001111" not in html and "和平里3号楼2单元501" not in html
    assert not ContactAccessLog.objects.filter(user=member.user).exists()


def test_staff_always_see_contact_details_and_it_is_logged(login, staff, wish):
    html = login(staff).get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    assert "13900001111" in html
    assert ContactAccessLog.objects.filter(user=staff).count() == 1


def test_other_staff_do_not_see_contact_details(login, other_staff, wish):
    html = login(other_staff).get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    assert "13900001111" not in html


def test_a_private_wish_photo_is_not_served_to_the_public(
    client, login, staff, community, resident
):
    from core.images import image_process

    wish = services.wish_post(
        community=community,
        resident=resident,
        by=staff,
        title="轮椅",
        photo=image_process(make_image()),
    )
    url = reverse("wishes:photo", args=["wish", wish.pk, "thumb"])
    assert client.get(url).status_code == 404
    assert "wishes/photos" not in client.get(wish.get_absolute_url()).content.decode()
    assert login(staff).get(url).status_code == 200


def test_a_public_wish_photo_is_served(client, staff, community, resident):
    from core.images import image_process

    wish = services.wish_post(
        community=community,
        resident=resident,
        by=staff,
        title="轮椅",
        photo=image_process(make_image()),
        photo_is_public=True,
    )
    response = client.get(reverse("wishes:photo", args=["wish", wish.pk, "full"]))
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"


def test_history_is_shown_to_staff_not_to_the_public(client, login, staff, wish):
    assert "历史记录" not in client.get(wish.get_absolute_url()).content.decode()
    assert "历史记录" in login(staff).get(wish.get_absolute_url()).content.decode()


# ---------------------------------------------------------------------------------------------
# Flows through the pages
# ---------------------------------------------------------------------------------------------
def test_member_claims_through_the_page(login, member, wish):
    response = login(member.user).post(
        reverse("wishes:claim", args=[wish.pk]), {"promised_date": soon(), "claim_as": "member"}
    )
    assert response.status_code == 302
    assert Claim.objects.get().member == member


def test_a_late_claimant_is_told_someone_was_first(login, member, neighbour, wish):
    services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    Wish.objects.filter(pk=wish.pk).update(state=S.PUBLISHED)  # the page was opened before
    client = login(neighbour.user)
    response = client.post(
        reverse("wishes:claim", args=[wish.pk]),
        {"promised_date": soon(), "claim_as": "member"},
        follow=True,
    )
    assert "其他人抢先了一步" in response.content.decode()
    assert Claim.objects.count() == 1


def test_claim_with_a_bad_date_is_refused_with_a_message(login, member, wish):
    response = login(member.user).post(
        reverse("wishes:claim", args=[wish.pk]),
        {"promised_date": "not a date", "claim_as": "member"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Claim.objects.exists()


def test_fulfil_with_a_photo_through_the_page(login, member, wish):
    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    response = login(member.user).post(
        reverse("wishes:fulfil", args=[claim.pk]),
        {"note": "已经送到老人家里", "photos": [make_image()]},
    )
    assert response.status_code == 302
    claim.refresh_from_db()
    assert claim.state == Claim.State.FULFILLED and claim.photos.count() == 1


def test_fulfil_with_a_fake_photo_keeps_the_note_and_explains(login, member, wish):
    from django.core.files.uploadedfile import SimpleUploadedFile

    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    fake = SimpleUploadedFile("photo.jpg", b"this is not a picture", content_type="image/jpeg")
    response = login(member.user).post(
        reverse("wishes:fulfil", args=[claim.pk]), {"note": "已经送到老人家里", "photos": [fake]}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "已经送到老人家里" in html
    assert "无法识别" in html
    claim.refresh_from_db()
    assert claim.state == Claim.State.ACTIVE


def test_staff_post_a_wish_for_a_new_resident(login, staff, community):
    response = login(staff).post(
        reverse("wishes:post"),
        {
            **once(),
            "new_name": "周大爷",
            "new_phone": "13600001111",
            "new_address": "7号楼",
            "title": "一副老花镜",
            "category": "daily",
            "deadline": soon(20).isoformat(),
            "photo": make_image(),
        },
    )
    assert response.status_code == 302
    wish = Wish.objects.get()
    assert wish.state == S.PUBLISHED and wish.resident.name == "周大爷"
    assert wish.resident.community == community and wish.photo and wish.photo_thumb


def test_staff_post_for_an_existing_resident(login, staff, resident):
    login(staff).post(
        reverse("wishes:post"),
        {**once(), "resident": resident.pk, "title": "米", "category": "daily"},
    )
    assert Wish.objects.get().resident == resident


def test_staff_cannot_post_for_another_communitys_resident(login, staff, other_wish):
    response = login(staff).post(
        reverse("wishes:post"),
        {**once(), "resident": other_wish.resident.pk, "title": "米", "category": "daily"},
    )
    assert response.status_code == 200
    assert Wish.objects.filter(title="米").count() == 0


def test_staff_post_without_a_resident_keeps_the_input(login, staff):
    response = login(staff).post(
        reverse("wishes:post"),
        {**once(), "title": "一副老花镜", "category": "daily", "description": "度数300"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "一副老花镜" in html and "度数300" in html
    assert not Wish.objects.exists()


def test_staff_post_with_a_bomb_photo_keeps_the_input(login, staff, settings, resident):
    settings.IMAGE_MAX_PIXELS = 1000
    response = login(staff).post(
        reverse("wishes:post"),
        {
            **once(),
            "resident": resident.pk,
            "title": "一副老花镜",
            "category": "daily",
            "photo": make_image(),
        },
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "一副老花镜" in html and "像素" in html
    assert not Wish.objects.exists()


def test_staff_review_edits_and_publishes(login, staff, submitted_wish):
    response = login(staff).post(
        reverse("wishes:review", args=[submitted_wish.pk]),
        {
            "action": "publish",
            "resident": submitted_wish.resident_id,
            "title": "上门理发（76岁老人）",
            "category": "home_service",
        },
    )
    assert response.status_code == 302
    submitted_wish.refresh_from_db()
    assert submitted_wish.state == S.PUBLISHED and submitted_wish.title == "上门理发（76岁老人）"


def test_staff_review_rejects_with_a_reason(login, staff, submitted_wish):
    login(staff).post(
        reverse("wishes:review", args=[submitted_wish.pk]),
        {"action": "reject", "reason": "重复提交"},
    )
    submitted_wish.refresh_from_db()
    assert submitted_wish.state == S.REJECTED
    assert submitted_wish.transitions.last().reason == "重复提交"


def test_staff_reject_without_reason_is_refused(login, staff, submitted_wish):
    response = login(staff).post(
        reverse("wishes:review", args=[submitted_wish.pk]), {"action": "reject", "reason": ""}
    )
    assert response.status_code == 200
    submitted_wish.refresh_from_db()
    assert submitted_wish.state == S.SUBMITTED


def test_review_queue_lists_submitted_wishes(login, staff, submitted_wish, wish):
    html = login(staff).get(reverse("wishes:review_queue")).content.decode()
    assert "上门理发" in html and "一台血压计" not in html


def test_staff_confirm_through_the_page(login, staff, member, fulfilled_wish):
    response = login(staff).post(
        reverse("wishes:confirm", args=[fulfilled_wish.pk]), {"action": "confirm", "hours": "2.5"}
    )
    assert response.status_code == 302
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.state == S.COMPLETED
    assert member.service_records.get().hours == 2.5


def test_staff_confirm_with_bad_hours_is_refused(login, staff, fulfilled_wish):
    response = login(staff).post(
        reverse("wishes:confirm", args=[fulfilled_wish.pk]), {"action": "confirm", "hours": "99"}
    )
    assert response.status_code == 200
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.state == S.FULFILLED


def test_staff_send_back_through_the_page(login, staff, fulfilled_wish):
    login(staff).post(
        reverse("wishes:confirm", args=[fulfilled_wish.pk]),
        {"action": "send_back", "reason": "没有照片"},
    )
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.state == S.CLAIMED


def test_staff_record_satisfaction(login, staff, fulfilled_wish):
    services.wish_confirm(wish=fulfilled_wish, by=staff)
    login(staff).post(
        reverse("wishes:satisfaction", args=[fulfilled_wish.pk]), {"score": "4", "comment": "很好"}
    )
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.satisfaction == 4


def test_staff_satisfaction_out_of_range_is_refused(login, staff, fulfilled_wish):
    services.wish_confirm(wish=fulfilled_wish, by=staff)
    login(staff).post(reverse("wishes:satisfaction", args=[fulfilled_wish.pk]), {"score": "9"})
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.satisfaction is None


def test_staff_cancel_needs_a_reason(login, staff, wish):
    login(staff).post(reverse("wishes:cancel", args=[wish.pk]), {"reason": ""})
    wish.refresh_from_db()
    assert wish.state == S.PUBLISHED


def test_staff_bulk_publish_and_cancel(login, staff, community, resident):
    submitted = [WishFactory(resident=resident, state=S.SUBMITTED) for _ in range(2)]
    client = login(staff)
    client.post(
        reverse("wishes:staff_bulk"), {"action": "publish", "ids": [w.pk for w in submitted]}
    )
    assert set(Wish.objects.values_list("state", flat=True)) == {S.PUBLISHED}
    client.post(
        reverse("wishes:staff_bulk"),
        {"action": "cancel", "ids": [submitted[0].pk], "reason": "居民已入住养老院"},
    )
    submitted[0].refresh_from_db()
    assert submitted[0].state == S.CANCELLED


def test_staff_bulk_cancel_without_reason_changes_nothing(login, staff, wish):
    login(staff).post(reverse("wishes:staff_bulk"), {"action": "cancel", "ids": [wish.pk]})
    wish.refresh_from_db()
    assert wish.state == S.PUBLISHED


def test_staff_list_filters_by_state(login, staff, wish, submitted_wish):
    html = login(staff).get(reverse("wishes:staff_list"), {"state": "submitted"}).content.decode()
    assert "上门理发" in html and "一台血压计" not in html


def test_staff_list_does_not_show_other_communities(login, staff, wish, other_wish):
    html = login(staff).get(reverse("wishes:staff_list")).content.decode()
    assert "一台血压计" in html and "一个书包" not in html


def test_export_is_an_excel_file_of_our_wishes(login, staff, wish, other_wish):
    from io import BytesIO

    from openpyxl import load_workbook

    response = login(staff).get(reverse("wishes:export"))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert titles == ["一台血压计"]


def test_wall_filters_by_category_and_search(client, resident):
    WishFactory(resident=resident, title="书包", description="", category=Wish.Category.STUDY)
    WishFactory(resident=resident, title="电风扇", description="", category=Wish.Category.DAILY)
    html = client.get(reverse("wishes:wall"), {"category": "study"}).content.decode()
    assert "书包" in html and "电风扇" not in html
    html = client.get(reverse("wishes:wall"), {"q": "风扇"}).content.decode()
    assert "电风扇" in html and "书包" not in html


def test_wall_filters_by_community(client, wish, other_wish):
    html = client.get(reverse("wishes:wall"), {"community": wish.community_id}).content.decode()
    assert "一台血压计" in html and "一个书包" not in html


def test_wall_shows_recently_completed_but_not_cancelled(client, resident):
    WishFactory(resident=resident, title="已完成的", state=S.COMPLETED, completed_at=timezone.now())
    WishFactory(
        resident=resident,
        title="很久以前完成的",
        state=S.COMPLETED,
        completed_at=timezone.now() - datetime.timedelta(days=365),
    )
    WishFactory(resident=resident, title="取消的", state=S.CANCELLED)
    html = client.get(reverse("wishes:wall")).content.decode()
    assert "已完成的" in html and "很久以前完成的" not in html and "取消的" not in html


def test_wall_bad_filter_values_do_not_fail(client, wish):
    response = client.get(reverse("wishes:wall"), {"community": "abc", "page": "zz"})
    assert response.status_code == 200


def test_stories_show_only_approved_photos(client, login, staff, member, wish):
    from core.images import image_process

    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(
        claim=claim,
        by=member.user,
        note="送到了",
        photos=[image_process(make_image()), image_process(make_image())],
    )
    first, second = claim.photos.order_by("pk")
    services.wish_confirm(wish=wish, by=staff, approved_photo_ids=[first.pk])
    html = client.get(reverse("wishes:stories")).content.decode()
    assert reverse("wishes:photo", args=["proof", first.pk, "thumb"]) in html
    assert reverse("wishes:photo", args=["proof", second.pk, "thumb"]) not in html
    assert client.get(reverse("wishes:photo", args=["proof", second.pk, "full"])).status_code == 404


def test_my_claims_shows_due_date_and_next_action(login, member, wish):
    ClaimFactory(wish=wish, member=member, promised_date=soon(-2))
    html = login(member.user).get(reverse("wishes:my_claims")).content.decode()
    assert "一台血压计" in html and "已逾期" in html and "报告已完成" in html


def test_staff_post_with_a_negative_value_is_refused_with_a_message(login, staff, resident):
    response = login(staff).post(
        reverse("wishes:post"),
        {
            **once(),
            "resident": resident.pk,
            "title": "米",
            "category": "daily",
            "estimated_value": "-5",
        },
    )
    assert response.status_code == 200
    assert "米" in response.content.decode()
    assert not Wish.objects.filter(title="米").exists()


def test_an_unknown_photo_kind_is_404(client, wish):
    assert client.get(f"/wishes/photos/other/{wish.pk}/full/").status_code == 404


def test_confirm_page_offers_each_proof_photo_for_the_public(login, staff, member, wish):
    from core.images import image_process

    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(
        claim=claim, by=member.user, note="送到了", photos=[image_process(make_image())]
    )
    photo = claim.photos.get()
    html = login(staff).get(reverse("wishes:confirm", args=[wish.pk])).content.decode()
    assert reverse("wishes:photo", args=["proof", photo.pk, "thumb"]) in html
    assert f'name="approved_photos" value="{photo.pk}"' in html


def test_captain_claims_for_the_team_through_the_page(login, member, wish):
    from tests.wishes.factories import ServiceTeamFactory

    team = ServiceTeamFactory(captain=member, name="助老服务队")
    html = login(member.user).get(wish.get_absolute_url()).content.decode()
    assert "服务队：助老服务队" in html
    login(member.user).post(
        reverse("wishes:claim", args=[wish.pk]),
        {"promised_date": soon(), "claim_as": f"team:{team.pk}"},
    )
    claim = Claim.objects.get()
    assert claim.claimant_kind == Claim.ClaimantKind.TEAM and claim.team == team


def test_claiming_for_someone_elses_team_is_refused(login, member, neighbour, wish):
    from tests.wishes.factories import ServiceTeamFactory

    team = ServiceTeamFactory(captain=neighbour)
    response = login(member.user).post(
        reverse("wishes:claim", args=[wish.pk]),
        {"promised_date": soon(), "claim_as": f"team:{team.pk}"},
        follow=True,
    )
    assert response.status_code == 200
    assert not Claim.objects.exists()


def test_org_admin_claims_for_the_organization_and_sees_contact_details(
    login, org_admin, other_org_admin, party_committee, wish, paired
):
    login(org_admin).post(
        reverse("wishes:claim", args=[wish.pk]),
        {"promised_date": soon(), "claim_as": f"org:{party_committee.pk}"},
    )
    claim = Claim.objects.get()
    assert claim.organization == party_committee
    assert "13900001111" in login(org_admin).get(wish.get_absolute_url()).content.decode()
    assert "13900001111" not in login(other_org_admin).get(wish.get_absolute_url()).content.decode()
    assert login(org_admin).get(reverse("wishes:fulfil", args=[claim.pk])).status_code == 200
    assert login(other_org_admin).get(reverse("wishes:fulfil", args=[claim.pk])).status_code == 404


def test_a_member_of_another_community_is_not_offered_the_claim_form(login, other_member, wish):
    html = login(other_member.user).get(wish.get_absolute_url()).content.decode()
    assert "只能认领您所报到社区的心愿" in html
    assert reverse("wishes:claim", args=[wish.pk]) not in html


def test_a_member_of_the_community_is_offered_the_claim_form(login, member, wish):
    html = login(member.user).get(wish.get_absolute_url()).content.decode()
    assert reverse("wishes:claim", args=[wish.pk]) in html


def test_the_claim_date_picker_holds_an_iso_date_in_chinese(login, member, wish):
    html = login(member.user).get(reverse("wishes:detail", args=[wish.pk])).content.decode()
    suggested = soon(7).isoformat()
    assert f'value="{suggested}"' in html
    assert f'max="{wish.deadline.isoformat()}"' in html


def test_editing_a_wish_shows_its_deadline_in_the_date_picker(login, staff, wish):
    html = login(staff).get(reverse("wishes:review", args=[wish.pk])).content.decode()
    assert f'value="{wish.deadline.isoformat()}"' in html


def test_a_promise_years_ahead_is_refused(login, member, resident):
    undated = WishFactory(resident=resident, deadline=None)
    response = login(member.user).post(
        reverse("wishes:claim", args=[undated.pk]),
        {"promised_date": "2099-01-01", "claim_as": "member"},
        follow=True,
    )
    undated.refresh_from_db()
    assert undated.state == S.PUBLISHED
    assert "180" in response.content.decode()


def test_staff_post_with_an_overlong_description_keeps_the_input(login, staff, resident):
    text = "长" * 2001
    response = login(staff).post(
        reverse("wishes:post"),
        {
            **once(),
            "resident": resident.pk,
            "title": "一台电风扇",
            "description": text,
            "category": "daily",
        },
    )
    assert response.status_code == 200 and text in response.content.decode()
    assert not Wish.objects.filter(title="一台电风扇").exists()


def test_export_writes_text_that_looks_like_a_formula_as_text(login, staff, resident):
    import io

    from openpyxl import load_workbook

    WishFactory(resident=resident, title='=HYPERLINK("http://evil.example","点我")')
    response = login(staff).get(reverse("wishes:export"))
    sheet = load_workbook(io.BytesIO(response.content)).active
    cell = next(c for row in sheet.iter_rows(min_row=2) for c in row if c.column == 2)
    assert cell.data_type == "s" and cell.value.startswith("=HYPERLINK")


def test_export_names_who_fulfilled_a_completed_wish(login, staff, member, wish):
    import io

    from openpyxl import load_workbook

    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(claim=claim, by=member.user, note="已送到")
    services.wish_confirm(wish=wish, by=staff)
    response = login(staff).get(reverse("wishes:export"))
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    assert rows[1][7] == claim.claimant_name


def test_an_org_admin_who_is_no_member_claims_through_the_form_as_offered(
    login, org_admin, party_committee, wish, paired
):
    import re

    client = login(org_admin)
    html = client.get(wish.get_absolute_url()).content.decode()
    offered = re.search(r'name="claim_as" value="([^"]*)"', html).group(1)
    client.post(
        reverse("wishes:claim", args=[wish.pk]), {"promised_date": soon(), "claim_as": offered}
    )
    assert Claim.objects.get().organization == party_committee


def test_staff_bulk_with_an_id_too_big_for_the_database_is_a_message_not_an_error(
    login, staff, wish
):
    response = login(staff).post(
        reverse("wishes:staff_bulk"), {"action": "publish", "ids": "9" * 20}, follow=True
    )
    assert response.status_code == 200
    wish.refresh_from_db()
    assert wish.state == S.PUBLISHED


def test_the_confirm_page_leaves_every_proof_photo_private_until_ticked(login, staff, member, wish):
    from core.images import image_process

    claim = services.wish_claim(wish=wish, by=member.user, promised_date=soon())
    services.claim_fulfil(
        claim=claim, by=member.user, note="送到了", photos=[image_process(make_image())]
    )
    html = login(staff).get(reverse("wishes:confirm", args=[wish.pk])).content.decode()
    assert 'name="approved_photos"' in html and "checked" not in html


def test_my_claims_tells_when_a_reminded_overdue_claim_will_be_released(
    login, settings, member, wish
):
    settings.WISH_OVERDUE_GRACE_DAYS = 3
    claim = ClaimFactory(wish=wish, member=member, promised_date=soon(-2))
    Claim.objects.filter(pk=claim.pk).update(reminded_at=timezone.now())
    html = login(member.user).get(reverse("wishes:my_claims")).content.decode()
    assert soon(3).isoformat() in html


def test_staff_confirm_and_record_the_residents_satisfaction_in_one_step(
    login, staff, fulfilled_wish
):
    """Issue 9: confirming and the satisfaction were two steps; the scale had no words."""
    client = login(staff)
    html = client.get(reverse("wishes:confirm", args=[fulfilled_wish.pk])).content.decode()
    assert "非常满意" in html and "很不满意" in html
    client.post(
        reverse("wishes:confirm", args=[fulfilled_wish.pk]),
        {"action": "confirm", "hours": "2", "score": "5", "comment": "很及时"},
    )
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.state == Wish.State.COMPLETED
    assert (fulfilled_wish.satisfaction, fulfilled_wish.satisfaction_comment) == (5, "很及时")


def test_staff_may_confirm_without_the_satisfaction(login, staff, fulfilled_wish):
    login(staff).post(
        reverse("wishes:confirm", args=[fulfilled_wish.pk]), {"action": "confirm", "hours": "2"}
    )
    fulfilled_wish.refresh_from_db()
    assert fulfilled_wish.state == Wish.State.COMPLETED and fulfilled_wish.satisfaction is None
