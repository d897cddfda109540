"""Uploaded photos: checked to be real images, bounded, re-encoded without metadata, resized.

The decoded image is re-encoded from its pixels only, so EXIF (GPS position included), ICC
profiles, comments and anything appended to the file are dropped.

Decoding is the costly part (a 40-megapixel PNG of 116 KB decodes to 120 MB of pixels), so the
work is bounded before it starts: `image_check` reads only the header (bytes, format, and the
width and height it declares) and refuses what is too large without decoding anything; forms
run it in their fields and decode (`image_process`) only once everything else is valid. The
decode itself keeps one copy of the full-size pixels at most: a JPEG is decoded at 1/2, 1/4 or
1/8 of its size where that still covers the display size, and every image is reduced in place.
"""

from __future__ import annotations

import io
import uuid
import warnings
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageFile, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
# What Pillow raises for a file it cannot read (or that ends too early).
UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


@dataclass
class ProcessedImage:
    display: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _fail(message, code):
    raise ValidationError(message, code=code)


def _fail_unreadable():
    _fail(
        _("This file is not a photo we can read. Upload a JPEG, PNG or WebP photo."),
        "bad_image",
    )


def _read(upload) -> bytes:
    max_bytes = settings.IMAGE_MAX_BYTES
    too_large = _("The photo is too large: at most %(mb)s MB.") % {
        "mb": round(max_bytes / 2**20, 1)
    }
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        _fail(too_large, "too_large")
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        _fail(too_large, "too_large")
    return data


def _check_header(data: bytes) -> None:
    """Format and pixel count from the header: Image.open reads no pixels."""
    try:
        with warnings.catch_warnings():
            # Pillow's own bomb warning (above 89 megapixels): the limit is checked below.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
    except Image.DecompressionBombError:
        _fail(_("The photo has too many pixels."), "too_many_pixels")
    except UNREADABLE:
        _fail_unreadable()
    if fmt not in ALLOWED_FORMATS:
        _fail(_("Upload a JPEG, PNG or WebP photo."), "bad_format")
    if width * height > settings.IMAGE_MAX_PIXELS:
        _fail(_("The photo has too many pixels."), "too_many_pixels")


def image_check(upload) -> None:
    """Refuse, without decoding it, a file that is too large, not a JPEG, PNG or WebP, or whose
    header declares more than IMAGE_MAX_PIXELS (a few milliseconds whatever the file). Raises
    ValidationError with a clear message."""
    _check_header(_read(upload))


def _draft_size(size: tuple[int, int], display_size: int) -> tuple[int, int]:
    """Twice the displayed size of an image of `size` (as Pillow's thumbnail asks a JPEG for)."""
    width, height = size
    scale = min(1.0, display_size / max(width, height, 1))
    return max(1, round(width * scale * 2)), max(1, round(height * scale * 2))


def image_process(upload) -> ProcessedImage:
    """Validate and re-encode an uploaded file; raises ValidationError with a clear message."""
    data = _read(upload)
    _check_header(data)
    display_size = settings.IMAGE_DISPLAY_SIZE
    name = uuid.uuid4().hex
    # WeasyPrint (the PDFs, core.pdf) turns on Pillow's LOAD_TRUNCATED_IMAGES for the whole
    # process when it loads its image module: an upload cut short would pass with half a picture.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)  # checked above
            with Image.open(io.BytesIO(data)) as probe:
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                # A JPEG is decoded at 1/2, 1/4 or 1/8 of its size where that still gives twice
                # the display size (no other format can be).
                image.draft(None, _draft_size(image.size, display_size))
                if image.mode not in ("RGB", "RGBA", "L"):
                    image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
                # Reduced in place: the full-size pixels are freed at once.
                image.thumbnail((display_size, display_size))
                ImageOps.exif_transpose(image, in_place=True)
                thumb = image.copy()
                thumb.thumbnail((settings.IMAGE_THUMB_SIZE, settings.IMAGE_THUMB_SIZE))
                return ProcessedImage(
                    display=ContentFile(_encode(image), name=f"{name}.jpg"),
                    thumbnail=ContentFile(_encode(thumb), name=f"{name}_t.jpg"),
                    width=image.width,
                    height=image.height,
                )
    except UNREADABLE:
        _fail_unreadable()


def _encode(image: Image.Image) -> bytes:
    """JPEG from the pixels alone (no EXIF, no ICC, no comments)."""
    if image.mode in ("RGBA", "LA", "P"):
        background = Image.new("RGB", image.size, (255, 255, 255))
        background.paste(image, mask=image.convert("RGBA").split()[-1])
        image = background
    elif image.mode != "RGB":
        image = image.convert("RGB")
    out = io.BytesIO()
    image.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue()
