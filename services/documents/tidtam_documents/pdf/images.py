"""Images users upload for their documents (signatures, later the company logo): PNG or
JPEG up to 1 MiB (the edge answers 413 above that), at most MAX_PIXELS pixels (checked from
the header, before anything is decoded: a decompression bomb is a small file that claims
a huge canvas), decoded and re-encoded as a fresh PNG so nothing of the upload but its
pixels reaches a PDF."""

from __future__ import annotations

import io
import warnings

from PIL import Image, ImageFile, UnidentifiedImageError

from crmkit.errors import AppError, Unprocessable

# The OpenAPI request body of an image upload (signature, logo).
IMAGE_BODY = {"requestBody": {"required": True, "content": {
    "image/png": {"schema": {"type": "string", "format": "binary"}},
    "image/jpeg": {"schema": {"type": "string", "format": "binary"}}}}}
MAX_PIXELS = 4_000_000  # e.g. 2000 × 2000: a signature or a logo needs far less
FORMATS = ("PNG", "JPEG")


def _refused(message: str, code: str) -> AppError:
    return Unprocessable.on("body", message, code=code)


def reencode(data: bytes) -> bytes:
    # WeasyPrint (imported in this process) sets Pillow's global LOAD_TRUNCATED_IMAGES,
    # which would let a cut-off upload through half grey: refused here. This runs in the
    # event loop's thread, with no await inside, and renders happen in other processes.
    truncated = ImageFile.LOAD_TRUNCATED_IMAGES
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        return _reencode(data)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = truncated


def _reencode(data: bytes) -> bytes:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(data)) as image:
                if image.format not in FORMATS:
                    raise _refused(f"send a PNG or JPEG image, not {image.format}",
                                   "image_format")
                width, height = image.size
                if width * height > MAX_PIXELS:
                    raise _refused(f"the image is {width}×{height} pixels; at most "
                                   f"{MAX_PIXELS:,} pixels (e.g. 2000×2000)", "image_too_big")
                image.load()
                pixels = image.convert("RGBA")
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _refused(f"the image claims more than {MAX_PIXELS:,} pixels",
                       "image_too_big") from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise _refused("this is not a PNG or JPEG image that can be read", "image_invalid") \
            from None
    out = io.BytesIO()
    pixels.save(out, format="PNG", optimize=True)
    return out.getvalue()
