import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from members.models import ServiceTeam, TeamMembership
from tests import factories as f
from tests.projects.factories import NeedFactory, ProjectFactory, ResourceFactory


def make_image(size=(800, 600)):
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 160, 60)).save(buffer, format="JPEG")
    return SimpleUploadedFile("photo.jpg", buffer.getvalue(), content_type="image/jpeg")


@pytest.fixture
def greenery(db):
    return f.ServiceCategoryFactory(name="环境绿化")


@pytest.fixture
def need(community, greenery):
    return NeedFactory(community=community, category=greenery, title="小区缺少绿化")


@pytest.fixture
def other_need(other_community, greenery):
    return NeedFactory(community=other_community, category=greenery, title="光明社区绿化")


@pytest.fixture
def paired(party_committee, community):
    return f.PartnershipFactory(organization=party_committee, community=community)


@pytest.fixture
def resource(community, greenery, party_committee, org_admin):
    return ResourceFactory(
        community=community, category=greenery, organization=party_committee, title="苗木415株"
    )


@pytest.fixture
def project(community, greenery, need):
    p = ProjectFactory(community=community, category=greenery, title="绿化老旧小区")
    p.needs.add(need)
    return p


@pytest.fixture
def other_project(other_community, greenery):
    return ProjectFactory(community=other_community, category=greenery, title="光明社区绿化")


@pytest.fixture
def neighbour(branch, community):
    m = f.MemberFactory(user__username="wangqiang", real_name="王强", branch=branch)
    f.ConfirmedRegistrationFactory(member=m, community=community)
    return m


@pytest.fixture
def team(member, neighbour, community, greenery):
    """A team captained by `member`, with `neighbour` in it, serving `community`."""
    t = ServiceTeam.objects.create(
        name="绿化服务队", category=greenery, community=community, captain=member
    )
    TeamMembership.objects.create(team=t, member=neighbour)
    return t


@pytest.fixture
def yesterday():
    return timezone.localdate() - datetime.timedelta(days=1)
