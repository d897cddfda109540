"""Uploaded photos: checked to be real images, bounded, re-encoded without metadata, resized.

The decoded image is re-encoded from its pixels only, so EXIF (GPS position included), ICC
profiles, comments and anything appended to the file are dropped.
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
from PIL import Image, ImageOps, UnidentifiedImageError

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}


@dataclass
class ProcessedImage:
    display: ContentFile
    thumbnail: ContentFile
    width: int
    height: int


def _fail(message, code):
    raise ValidationError(message, code=code)


def image_process(upload) -> ProcessedImage:
    """Validate and re-encode an uploaded file; raises ValidationError with a clear message."""
    max_bytes = settings.IMAGE_MAX_BYTES
    max_pixels = settings.IMAGE_MAX_PIXELS
    size = getattr(upload, "size", None)
    if size is not None and size > max_bytes:
        _fail(
            _("The photo is too large: at most %(mb)s MB.") % {"mb": round(max_bytes / 2**20, 1)},
            "too_large",
        )
    upload.seek(0)
    data = upload.read(max_bytes + 1)
    if len(data) > max_bytes:
        _fail(
            _("The photo is too large: at most %(mb)s MB.") % {"mb": round(max_bytes / 2**20, 1)},
            "too_large",
        )
    Image.MAX_IMAGE_PIXELS = max_pixels
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as probe:
                fmt = probe.format
                width, height = probe.size
                if fmt not in ALLOWED_FORMATS:
                    _fail(_("Upload a JPEG, PNG or WebP photo."), "bad_format")
                if width * height > max_pixels:
                    _fail(_("The photo has too many pixels."), "too_many_pixels")
                probe.verify()
            with Image.open(io.BytesIO(data)) as image:
                image.load()
                image = ImageOps.exif_transpose(image)
    except ValidationError:
        raise
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        _fail(_("The photo has too many pixels."), "too_many_pixels")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError):
        _fail(
            _("This file is not a photo we can read. Upload a JPEG, PNG or WebP photo."),
            "bad_image",
        )

    if image.mode not in ("RGB", "RGBA", "L"):
        image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
    display = image.copy()
    display.thumbnail((settings.IMAGE_DISPLAY_SIZE, settings.IMAGE_DISPLAY_SIZE))
    thumb = image.copy()
    thumb.thumbnail((settings.IMAGE_THUMB_SIZE, settings.IMAGE_THUMB_SIZE))
    name = uuid.uuid4().hex
    return ProcessedImage(
        display=ContentFile(_encode(display), name=f"{name}.jpg"),
        thumbnail=ContentFile(_encode(thumb), name=f"{name}_t.jpg"),
        width=display.width,
        height=display.height,
    )


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
