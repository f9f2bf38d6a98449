"""Images for tasks: resized for a 360 px phone screen and kept small."""
import io

from PIL import Image, ImageOps

from .errors import Invalid

MAX_WIDTH = 360
MAX_HEIGHT = 480
MAX_BYTES = 40 * 1024


def prepare_image(data: bytes) -> dict:
    """Decode any image Pillow reads; return WebP at most 360 px wide and 40 KB.

    Raises Invalid("bad_image") for bytes that are not an image.
    """
    try:
        image = Image.open(io.BytesIO(data))
        image = ImageOps.exif_transpose(image)
        image.load()
    except Exception as exc:  # Pillow raises many types for broken files
        raise Invalid("bad_image") from exc
    image = image.convert("RGB")
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
