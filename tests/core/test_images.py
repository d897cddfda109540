"""Uploaded photos: real images only, bounded, re-encoded without EXIF, resized."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageFile

from core.images import image_check, image_process
from tests.wishes.conftest import make_image


def gps_exif():
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (39.0, 54.0, 15.0)
    gps[3] = "E"
    gps[4] = (116.0, 23.0, 30.0)
    return exif


def test_a_jpeg_with_gps_exif_comes_out_without_any_exif():
    upload = make_image(exif=gps_exif())
    with Image.open(io.BytesIO(upload.read())) as original:
        assert original.getexif().get_ifd(0x8825)  # the test photo really carries GPS
    upload.seek(0)
    result = image_process(upload)
    with Image.open(io.BytesIO(result.display.read())) as clean:
        assert clean.format == "JPEG"
        assert not clean.getexif()
        assert "exif" not in clean.info


@pytest.mark.parametrize("fmt", ["JPEG", "PNG", "WEBP"])
def test_jpeg_png_and_webp_are_accepted(fmt):
    result = image_process(make_image(fmt=fmt))
    assert result.display.size > 0 and result.thumbnail.size > 0


def test_a_large_photo_is_resized_to_display_and_thumbnail_sizes(settings):
    settings.IMAGE_DISPLAY_SIZE = 300
    settings.IMAGE_THUMB_SIZE = 100
    result = image_process(make_image(size=(1200, 900)))
    with Image.open(result.display) as display, Image.open(result.thumbnail) as thumb:
        assert display.size == (300, 225)
        assert thumb.size == (100, 75)


def test_a_text_file_named_jpg_is_refused_with_a_clear_message():
    fake = SimpleUploadedFile("photo.jpg", b"GIF89a? no, just text", content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        image_process(fake)
    assert error.value.code == "bad_image"


def test_a_gif_is_refused():
    with pytest.raises(ValidationError) as error:
        image_process(make_image(fmt="GIF"))
    assert error.value.code == "bad_format"


def test_a_decompression_bomb_is_refused(settings):
    settings.IMAGE_MAX_PIXELS = 10_000
    # A tiny file that decodes to 4,000 x 4,000 pixels.
    buffer = io.BytesIO()
    Image.new("L", (4000, 4000)).save(buffer, format="PNG")
    assert len(buffer.getvalue()) < 100_000
    bomb = SimpleUploadedFile("bomb.png", buffer.getvalue(), content_type="image/png")
    with pytest.raises(ValidationError) as error:
        image_process(bomb)
    assert error.value.code == "too_many_pixels"


def test_a_file_over_the_byte_limit_is_refused(settings):
    settings.IMAGE_MAX_BYTES = 1000
    with pytest.raises(ValidationError) as error:
        image_process(make_image(size=(400, 400)))
    assert error.value.code == "too_large"


def test_a_truncated_jpeg_is_refused():
    data = make_image(size=(400, 400)).read()
    broken = SimpleUploadedFile("broken.jpg", data[: len(data) // 3], content_type="image/jpeg")
    with pytest.raises(ValidationError) as error:
        image_process(broken)
    assert error.value.code == "bad_image"


@pytest.fixture
def decoded_sizes(monkeypatch):
    """The size of every image Pillow decodes from a file during the test."""
    sizes = []
    load = ImageFile.ImageFile.load

    def recording_load(image):
        if image.tile:  # pixels still to decode
            sizes.append(image.size)
        return load(image)

    monkeypatch.setattr(ImageFile.ImageFile, "load", recording_load)
    return sizes


def png(size, mode="RGB"):
    buffer = io.BytesIO()
    Image.new(mode, size).save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def test_a_photo_with_too_many_pixels_is_refused_from_its_header_alone(settings, decoded_sizes):
    settings.IMAGE_MAX_PIXELS = 1_000_000
    for check in (image_check, image_process):
        with pytest.raises(ValidationError) as error:
            check(png((1001, 1000)))
        assert error.value.code == "too_many_pixels"
    assert decoded_sizes == []


def test_checking_a_photo_decodes_nothing(settings, decoded_sizes):
    image_check(png((3000, 2000)))
    image_check(make_image(size=(3000, 2000)))
    assert decoded_sizes == []


def test_a_large_jpeg_is_decoded_at_a_reduced_scale(settings, decoded_sizes):
    """Issue 8: a large photo was decoded at full size (and copied four times) before it was
    reduced to the display size."""
    settings.IMAGE_DISPLAY_SIZE = 400
    result = image_process(make_image(size=(4000, 3000)))
    assert (result.width, result.height) == (400, 300)
    assert decoded_sizes == [(1000, 750)]  # 1/4: still twice the display size
