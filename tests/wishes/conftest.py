import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from tests import factories as f
from tests.wishes.factories import ResidentFactory, WishFactory


def make_image(fmt="JPEG", size=(800, 600), color=(200, 30, 30), exif=None, name=None):
    buffer = io.BytesIO()
    image = Image.new("RGB", size, color)
    kwargs = {"exif": exif} if exif is not None else {}
    image.save(buffer, format=fmt, **kwargs)
    ext = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}[fmt]
    return SimpleUploadedFile(
        name or f"photo.{ext}",
        buffer.getvalue(),
        content_type=f"image/{ext.replace('jpg', 'jpeg')}",
    )


@pytest.fixture
def resident(community):
    return ResidentFactory(
        community=community, name="李秀英", phone="13900001111", address="和平里3号楼2单元501"
    )


@pytest.fixture
def wish(resident):
    return WishFactory(resident=resident, title="一台血压计")


@pytest.fixture
def other_wish(other_community):
    return WishFactory(resident__community=other_community, title="一个书包")


@pytest.fixture
def neighbour(branch, community):
    """A second member registered with `community`."""
    from tests import factories as f

    m = f.MemberFactory(user__username="wangqiang", real_name="王强", branch=branch)
    f.ConfirmedRegistrationFactory(member=m, community=community)
    return m


@pytest.fixture
def paired(party_committee, community):
    """The party committee's current partnership (结对共建) with the community: where it claims."""
    return f.PartnershipFactory(organization=party_committee, community=community)
