"""Watermarks (#19): a task picture served to an annotator carries, lightly, her
pseudonym in the project (the one the client's export names her by, core.exporting) and
the day, so that a leaked screenshot says whose phone and when, without her name. On
for a client unless it is turned off (clients.watermark); supervisors' views and the
export carry none.

Rendered with Pillow on the server, then kept in a small in-process cache keyed by
(media, its bytes, her, the day): a picture she opens again today costs a dictionary
look-up. The marked picture stays within the 40 KB picture budget (core.media).
"""
import collections
import hashlib
import io
import threading

from PIL import Image, ImageDraw, ImageFont

from .clock import india_day
from .errors import NotFound
from .db import one
from .exporting import pseudonym
from .media import MAX_BYTES

CACHE_BYTES = 32 * 1024 * 1024  # a worker's cache: about a thousand marked pictures
ALPHA = 70  # of 255: seen, but the picture stays readable
FONT_SIZE = 13
ROW_STEP = 72  # px between marks down the picture, so a crop keeps at least one

_cache: "collections.OrderedDict[tuple, bytes]" = collections.OrderedDict()
_cache_bytes = [0]
_lock = threading.Lock()
_font = []


def _font_for() -> ImageFont.ImageFont:
    if not _font:
        _font.append(ImageFont.load_default(size=FONT_SIZE))  # Pillow's own, no file needed
    return _font[0]


def wanted(db, project_id: int) -> bool:
    """Whether the project's client marks its pictures (a project with no client: yes)."""
    row = one(db, "SELECT c.watermark FROM projects p LEFT JOIN clients c ON c.id = p.client_id"
                  " WHERE p.id = ?", (project_id,))
    return row is None or row["watermark"] is None or bool(row["watermark"])


def mark_text(secret: bytes, project_id: int, user_id: int, day: str) -> str:
    return f"{pseudonym(secret, project_id, user_id)} {day}"


def render(data: bytes, text: str) -> bytes:
    """The picture with `text` drawn lightly across it in staggered rows, as WebP."""
    image = Image.open(io.BytesIO(data)).convert("RGB")
    layer = Image.new("RGBA", image.size, (0, 0, 0, 0))
    draw = ImageDraw.Draw(layer)
    font = _font_for()
    width = draw.textlength(text, font=font)
    for n, y in enumerate(range(8, max(image.height, 9), ROW_STEP)):
        x = 6 if n % 2 == 0 else max(6, image.width - width - 6)
        # A dark outline under light text: seen on a white page and on a dark photo.
        draw.text((x, y), text, font=font, fill=(255, 255, 255, ALPHA),
                  stroke_width=1, stroke_fill=(0, 0, 0, ALPHA))
    marked = Image.alpha_composite(image.convert("RGBA"), layer).convert("RGB")
    for quality in (75, 60, 45, 30):
        out = io.BytesIO()
        marked.save(out, "WEBP", quality=quality, method=4)
        if out.tell() <= MAX_BYTES:
            break
    return out.getvalue()


def for_annotator(db, row: dict, user_id: int, secret: bytes, now=None) -> dict:
    """The media row as she is to see it: marked when its client wants it (images only)."""
    if row.get("kind", "image") != "image" or not wanted(db, row["project_id"]):
        return row
    day = india_day(now)
    key = (getattr(db, "velai_path", None), row["id"], row["sha256"], user_id, day)
    with _lock:
        data = _cache.get(key)
        if data is not None:
            _cache.move_to_end(key)
    if data is None:
        data = render(row["data"], mark_text(secret, row["project_id"], user_id, day))
        with _lock:
            if key not in _cache:
                _cache[key] = data
                _cache_bytes[0] += len(data)
            while _cache_bytes[0] > CACHE_BYTES and _cache:
                _cache_bytes[0] -= len(_cache.popitem(last=False)[1])
    return {**row, "data": data, "content_type": "image/webp",
            "sha256": hashlib.sha256(data).hexdigest()}


def set_for_client(db, actor: dict, client_id, on: bool) -> None:
    """Turn marks on or off for one of the actor's clients (who manages clients). Audited."""
    from . import audit, clients  # clients imports projects, which imports the media path
    from .db import write

    if not clients.may_manage(db, actor):
        raise NotFound("not_found")
    with write(db):
        client = clients.get_client_or_404(db, actor, client_id)
        db.execute("UPDATE clients SET watermark = ? WHERE id = ?", (int(on), client["id"]))
        audit.record(db, actor["id"], "client.watermark", f"client:{client['id']}", on=on)
