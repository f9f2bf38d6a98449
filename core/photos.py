"""Photos an annotator takes for a photo project: decoded safely, turned upright, scaled
to the project's size and stripped of EXIF and every other piece of metadata (camera,
serial number, time, thumbnails), keeping the location only when the project asks for it
and tells her so. The bytes as received are never stored: they carry all of that."""
import hashlib
import io

from PIL import ExifTags, Image, ImageOps

from .errors import Invalid
from .media import MAX_PIXELS, open_image, pixels_only, shrink

MAX_UPLOAD_BYTES = 20 * 1024 * 1024  # a phone's full-size photo sent without JavaScript
FORMATS = ("JPEG", "PNG", "WEBP")  # what phone cameras and canvas.toBlob give


def _location(image: Image.Image) -> Image.Exif | None:
    """EXIF holding the GPS block alone, or None when the photo has no location."""
    gps = image.getexif().get_ifd(ExifTags.IFD.GPSInfo)
    if not gps:
        return None
    kept = Image.Exif()
    kept[ExifTags.IFD.GPSInfo] = dict(gps)
    return kept


def _encode(image: Image.Image, max_bytes: int, exif: Image.Exif | None) -> bytes:
    """JPEG at the best quality that fits max_bytes, smaller if no quality does."""
    extra = {"exif": exif} if exif is not None else {}
    while True:
        for quality in (85, 75, 65, 55, 45, 35):
            out = io.BytesIO()
            image.save(out, "JPEG", quality=quality, optimize=True, **extra)
            if out.tell() <= max_bytes:
                return out.getvalue()
        image = image.resize((max(1, image.width * 4 // 5), max(1, image.height * 4 // 5)),
                             Image.LANCZOS)


def prepare_photo(data: bytes, max_px: int, max_bytes: int, keep_location: bool) -> dict:
    """The media row's fields for a photo she sent: `original` a JPEG at most max_px on
    its longer side and max_bytes, with no metadata but the location when keep_location;
    `data` the small WebP for screens (core.media.shrink).

    Raises Invalid("photo_too_big") over MAX_UPLOAD_BYTES, Invalid("not_a_photo") for
    anything but a JPEG, PNG or WebP picture, Invalid("photo_too_large") for a pixel bomb.
    """
    if len(data) > MAX_UPLOAD_BYTES:
        raise Invalid("photo_too_big", limit_mb=MAX_UPLOAD_BYTES // 1024 // 1024)
    try:
        image = open_image(data)
    except Invalid as refusal:
        code = "photo_too_large" if refusal.code == "image_too_large" else "not_a_photo"
        raise Invalid(code, limit=MAX_PIXELS // 1_000_000) from refusal
    if image.format not in FORMATS:
        raise Invalid("not_a_photo")
    try:
        exif = _location(image) if keep_location else None
        image.draft("RGB", (max_px, max_px))  # a JPEG decodes at a fraction of its size
        image = ImageOps.exif_transpose(image)  # upright, as she held the phone
        image.load()
    except Exception as exc:  # Pillow raises many types for broken files
        raise Invalid("not_a_photo") from exc
    image = pixels_only(image)
    image.thumbnail((max_px, max_px), Image.LANCZOS)
    original = _encode(image, max_bytes, exif)
    small = shrink(image)
    return {"kind": "image", "content_type": small["content_type"],
            "width": small["width"], "height": small["height"], "duration_ms": None,
            "sha256": hashlib.sha256(original).hexdigest(), "data": small["data"],
            "original": original, "original_type": "image/jpeg"}
