"""The assignee completes an order on its page: a note, the participants' hours and photos, each
photo checked and kept; too many photos or a file that is no photo is refused with what was
typed kept; only the assignee may complete it."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from orders.models import ServiceOrder

pytestmark = pytest.mark.django_db


def _jpeg(name="done.jpg"):
    buffer = io.BytesIO()
    Image.new("RGB", (64, 48), (40, 120, 200)).save(buffer, format="JPEG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def _complete(client, order, member, photos):
    return client.post(
        reverse("orders:complete", args=[order.pk]),
        {"note": "理好了", f"hours_{member.pk}": "2", "photos": photos},
    )


def test_the_assignee_completes_the_order_with_photos(login, taken, member_user, member):
    response = _complete(login(member_user), taken, member, [_jpeg(), _jpeg("b.jpg")])

    assert response.status_code == 302
    taken.refresh_from_db()
    assert taken.state == ServiceOrder.State.DONE
    assert taken.photos.count() == 2


def test_seven_photos_are_refused_and_the_note_is_kept(login, taken, member_user, member):
    response = _complete(login(member_user), taken, member, [_jpeg(f"{i}.jpg") for i in range(7)])

    assert response.status_code == 200
    assert "photos" in response.context["form"].errors
    assert response.context["form"]["note"].value() == "理好了"
    taken.refresh_from_db()
    assert taken.state != ServiceOrder.State.DONE


def test_a_file_that_is_no_photo_is_refused(login, taken, member_user, member):
    fake = SimpleUploadedFile("done.jpg", b"not a picture", content_type="image/jpeg")
    response = _complete(login(member_user), taken, member, [fake])

    assert response.status_code == 200
    assert "photos" in response.context["form"].errors


def test_another_member_may_not_complete_it(login, taken, other_member, member):
    response = _complete(login(other_member.user), taken, member, [])
    assert response.status_code == 404
    taken.refresh_from_db()
    assert taken.state != ServiceOrder.State.DONE
