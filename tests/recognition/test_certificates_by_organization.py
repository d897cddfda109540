"""An organization that organized and recorded service (its own activities: 谁组织谁记录) is a
recording unit: the member picks it, the PDF and the verify page name it, and its admins (not
another organization's, not the community's staff) revoke the certificate."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from pypdf import PdfReader

from records.certificates import (
    CertificateError,
    certificate_issue,
    certificate_revoke,
    certificate_units,
)
from records.models import Certificate, ServiceRecord
from records.services import service_record_create
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(member, community, party_committee):
    today = timezone.localdate()
    f.ServiceRecordFactory(
        member=member,
        community=community,
        organization=party_committee,
        hours=Decimal("4.0"),
        title="机关党委组织的义诊",
        served_on=today - datetime.timedelta(days=2),
        kind=ServiceRecord.Kind.ACTIVITY,
    )
    f.ServiceRecordFactory(
        member=member,
        community=community,
        hours=Decimal("1.5"),
        title="社区环境整治",
        served_on=today - datetime.timedelta(days=1),
        kind=ServiceRecord.Kind.WISH,
    )


def _issue(member, unit):
    today = timezone.localdate()
    return certificate_issue(
        by=member.user,
        member=member,
        unit=unit,
        period_from=today - datetime.timedelta(days=30),
        period_to=today,
    )


def _pdf_text(certificate) -> str:
    with certificate.pdf.open("rb") as fh:
        reader = PdfReader(io.BytesIO(fh.read()))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_the_member_is_offered_the_community_and_the_organization(
    member, community, party_committee, records
):
    assert certificate_units(member=member) == [community, party_committee]


def test_the_organization_certifies_only_what_it_recorded(member, party_committee, records):
    certificate = _issue(member, party_committee)
    assert certificate.organization == party_committee and certificate.community is None
    assert certificate.issuer_name == party_committee.name
    assert certificate.total_hours == Decimal("4.0")
    text = _pdf_text(certificate)
    assert party_committee.name in text and "机关党委组织的义诊" in text
    assert "社区环境整治" not in text


def test_the_community_does_not_certify_what_the_organization_recorded(member, community, records):
    certificate = _issue(member, community)
    assert certificate.total_hours == Decimal("1.5")
    assert [line["content"] for line in certificate.lines] == ["社区环境整治"]


def test_the_member_picks_the_organization_on_the_page(
    login, member_user, party_committee, records
):
    client = login(member_user)
    with translation.override("zh-hans"):
        html = client.get(reverse("records:my_certificates")).content.decode()
    assert f'value="organization:{party_committee.pk}"' in html and "记录单位" in html
    today = timezone.localdate()
    response = client.post(
        reverse("records:my_certificates"),
        {
            "unit": f"organization:{party_committee.pk}",
            "period_from": today - datetime.timedelta(days=30),
            "period_to": today,
        },
    )
    certificate = Certificate.objects.get()
    assert response.url == reverse("records:certificate_pdf", args=[certificate.pk])
    assert certificate.organization == party_committee


def test_a_unit_that_recorded_nothing_of_the_member_is_refused(
    login, member_user, other_party_committee, records
):
    today = timezone.localdate()
    response = login(member_user).post(
        reverse("records:my_certificates"),
        {
            "unit": f"organization:{other_party_committee.pk}",
            "period_from": today - datetime.timedelta(days=30),
            "period_to": today,
        },
    )
    assert response.status_code == 200 and not Certificate.objects.exists()


def test_the_verify_page_names_the_organization(client, member, party_committee, records):
    certificate = _issue(member, party_committee)
    html = client.get(reverse("certificate_verify", args=[certificate.verify_code])).content
    assert party_committee.name.encode() in html


def test_the_organizations_admin_lists_and_revokes_it(
    login, org_admin, member, party_committee, records, client
):
    certificate = _issue(member, party_committee)
    admin_client = login(org_admin)
    html = admin_client.get(reverse("records:staff_certificates")).content.decode()
    assert certificate.number in html
    admin_client.post(
        reverse("records:certificate_revoke", args=[certificate.pk]), {"reason": "活动已取消"}
    )
    certificate.refresh_from_db()
    assert certificate.is_revoked and certificate.revoke_reason == "活动已取消"
    with translation.override("zh-hans"):
        page = client.get(reverse("certificate_verify", args=[certificate.verify_code]))
    assert "已撤销" in page.content.decode()


def test_another_organizations_admin_cannot_revoke_it(
    login, other_org_admin, member, party_committee, records
):
    certificate = _issue(member, party_committee)
    client = login(other_org_admin)
    assert (
        certificate.number not in client.get(reverse("records:staff_certificates")).content.decode()
    )
    response = client.post(
        reverse("records:certificate_revoke", args=[certificate.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    with pytest.raises(CertificateError):
        certificate_revoke(by=other_org_admin, certificate=certificate, reason="x")
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_the_communitys_staff_cannot_revoke_the_organizations_certificate(
    login, staff, member, party_committee, records
):
    certificate = _issue(member, party_committee)
    response = login(staff).post(
        reverse("records:certificate_revoke", args=[certificate.pk]), {"reason": "x"}
    )
    assert response.status_code == 404
    certificate.refresh_from_db()
    assert not certificate.is_revoked


def test_a_member_does_not_see_the_units_certificates(login, member_user):
    assert login(member_user).get(reverse("records:staff_certificates")).status_code == 403


def test_a_producer_names_the_recording_organization(member, community, party_committee):
    record = service_record_create(
        member=member,
        community=community,
        organization=party_committee,
        served_on=timezone.localdate(),
        hours=Decimal("2"),
        kind=ServiceRecord.Kind.ACTIVITY,
        source=ServiceRecord.Source.CHECKIN,
        source_key="checkin:1",
        title="机关党委志愿活动",
    )
    assert record.organization == party_committee


def test_an_organizations_own_activity_is_recorded_and_certified_by_it(
    member, community, party_committee, org_admin
):
    """谁组织谁记录: the check-in of an activity the organization organized gives a record that
    names the organization, which then certifies it (the community does not)."""
    from checkins import services as checkins
    from checkins.models import AttendanceSegment
    from tests.checkins.factories import ActivityFactory, SessionFactory, VenueFactory

    activity = ActivityFactory(
        organizer_community=None, organizer_organization=party_committee, title="机关党委义诊"
    )
    SessionFactory(activity=activity)
    venue = VenueFactory(activity=activity, community=community, hosts=[org_admin])
    code = checkins.member_code_current(member=member).secret
    checkins.scan_redeem(code=code, kind="entry", venue=venue, nonce="in", by=org_admin)
    AttendanceSegment.objects.update(in_at=timezone.now() - datetime.timedelta(hours=2))
    checkins.scan_redeem(code=code, kind="exit", venue=venue, nonce="out", by=org_admin)
    checkins.activity_end(activity=activity, by=org_admin)
    assert checkins.activity_finalize(activity=activity, by=org_admin) == 1
    record = ServiceRecord.objects.get(member=member)
    assert (record.organization, record.community) == (party_committee, community)
    assert party_committee in certificate_units(member=member)
    assert community not in certificate_units(member=member)
    certificate = _issue(member, party_committee)
    assert certificate.total_hours == Decimal("2.0")
    assert [line["content"] for line in certificate.lines] == ["机关党委义诊"]
