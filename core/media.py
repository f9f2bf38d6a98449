"""Images for tasks: resized for a 360 px phone screen and kept small."""
import io
import warnings

from PIL import Image, ImageOps

from .errors import Invalid

MAX_WIDTH = 360
MAX_HEIGHT = 480
MAX_BYTES = 40 * 1024
# A phone's full-size photo is 12-50 megapixels. A few kilobytes can claim far more (a
# 37 KB PNG of 169 megapixels took 812 MB and 1.8 s to decode), so the size in the header
# is checked before any pixel is decoded.
MAX_PIXELS = 50_000_000
# Pillow's own guard, for every other Image.open in the process: at this it warns, at
# twice this it refuses.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def open_image(data: bytes) -> Image.Image:
    """Open an image by its header alone, refusing a pixel bomb before any pixel is
    decoded: Invalid("bad_image") for bytes that are not an image,
    Invalid("image_too_large", limit=megapixels) for one of more than MAX_PIXELS."""
    try:
        with warnings.catch_warnings():
            # Pillow only warns between MAX_IMAGE_PIXELS and twice that: refuse alike.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))  # reads the header only
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        raise Invalid("image_too_large", limit=MAX_PIXELS // 1_000_000) from exc
    except Exception as exc:  # Pillow raises many types for broken files
        raise Invalid("bad_image") from exc
    if image.width * image.height > MAX_PIXELS:
        raise Invalid("image_too_large", limit=MAX_PIXELS // 1_000_000)
    return image


def prepare_image(data: bytes) -> dict:
    """Decode any image Pillow reads; return WebP at most 360 px wide and 40 KB.

    Raises Invalid("bad_image") for bytes that are not an image, and
    Invalid("image_too_large", limit=megapixels) for one of more than MAX_PIXELS,
    before decoding it.
    """
    image = open_image(data)
    try:
        image.draft("RGB", (MAX_WIDTH * 2, MAX_HEIGHT * 2))  # a JPEG decodes scaled down
        image = ImageOps.exif_transpose(image)
        image.load()
    except Exception as exc:  # Pillow raises many types for broken files
        raise Invalid("bad_image") from exc
    return shrink(image)


def pixels_only(image: Image.Image) -> Image.Image:
    """The image's RGB pixels in a new image: no EXIF, XMP, ICC profile, comment or
    thumbnail can follow it into a file saved from it."""
    return Image.frombytes("RGB", image.size, image.convert("RGB").tobytes())


def shrink(image: Image.Image) -> dict:
    """A decoded, upright image as WebP at most 360 px wide and 40 KB, with no metadata."""
    image = pixels_only(image)
    image.thumbnail((MAX_WIDTH, MAX_HEIGHT))
    for quality in (75, 60, 45, 30, 20):
        out = io.BytesIO()
        image.save(out, "WEBP", quality=quality, method=6)
        if out.tell() <= MAX_BYTES:
            break
        if quality == 20:  # still too big: halve the size and try once more
            image.thumbnail((image.width // 2, image.height // 2))
            out = io.BytesIO()
            image.save(out, "WEBP", quality=30, method=6)
    return {"data": out.getvalue(), "content_type": "image/webp",
            "width": image.width, "height": image.height}
