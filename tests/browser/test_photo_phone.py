"""A photo task on a phone (#18): the camera's picture (a file handed to the card's file
input) is scaled on the phone and uploaded, or, with JavaScript off, sent by the plain form
and scaled on the server; either way one photo is stored as her answer."""
import io

from PIL import Image, ImageDraw

from core import demo_media

SLUG = demo_media.PHOTO["slug"]
WITH_JS, WITHOUT_JS = "9876500021", "9876500022"  # Selvi and Malar, Karur, Tamil


def _camera_file() -> dict:
    """A 2400x1600 camera JPEG with its maker and GPS in the metadata."""
    image = Image.linear_gradient("L").resize((2400, 1600)).convert("RGB")
    draw = ImageDraw.Draw(image)
    for n in range(12):
        draw.rectangle((n * 190, 300 + n * 40, n * 190 + 150, 900 + n * 30),
                       fill=(40 + n * 15, 120, 200 - n * 10))
    exif = Image.Exif()
    exif[0x010F] = "PhoneCo"  # Make
    exif[0x8825] = {1: "N", 2: (10.0, 57.0, 36.0), 3: "E", 4: (78.0, 4.0, 48.0)}  # GPS
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90, exif=exif)
    return {"name": "IMG_0001.jpg", "mimeType": "image/jpeg", "buffer": out.getvalue()}


def _photos(server, login):
    return server.query(
        "SELECT m.id, m.kind, m.width, m.height, m.user_id, a.answer FROM media m"
        " JOIN projects p ON p.id = m.project_id"
        " LEFT JOIN assignments a ON a.answer = CAST(m.id AS TEXT) AND a.user_id = m.user_id"
        " WHERE p.slug = ? AND m.user_id = ?", (SLUG, server.user_id(login)))


def _take_photo(page, server, login, navigates=False):
    page.goto(f"{server.url}/tasks/{SLUG}/next")
    prompt = page.locator("#task .payload").inner_text()
    form = page.locator('#task form[data-capture]')
    assert form.get_attribute("enctype") == "multipart/form-data"
    assert form.get_attribute("data-max-px") == "1280"
    page.locator('#task input[type="file"][name="file"]').set_input_files(_camera_file())
    send = page.locator("#task form[data-capture] button.primary")
    if navigates:
        with page.expect_navigation():
            send.click()
    else:
        send.tap()
    return prompt


def test_with_javascript_the_phone_scales_and_uploads_the_photo(server, open_phone,
                                                                  phone_tools):
    page = open_phone("ta")
    phone_tools.log_in(page, server.url, WITH_JS)
    prompt = _take_photo(page, server, WITH_JS)
    try:
        page.wait_for_function(
            "before => { const p = document.querySelector('#task .payload');"
            " return p && p.textContent !== before; }", arg=prompt, timeout=60_000)
    except Exception:
        raise AssertionError(f"no next card: {page.locator('#task').inner_text()!r}"
                             f" {page.js_errors} {page.console_errors}") from None
    photos = _photos(server, WITH_JS)
    assert len(photos) == 1, photos
    photo = photos[0]
    assert photo["kind"] == "image" and photo["answer"] == str(photo["id"])
    assert max(photo["width"], photo["height"]) <= 1280
    # Sent through the resumable upload (the phone's script), not the plain form.
    assert server.value("SELECT count(*) FROM uploads u JOIN users s ON s.id = u.user_id"
                        " WHERE s.login = ?", (WITH_JS,)) == 1
    assert page.js_errors == []


def test_without_javascript_the_plain_form_sends_the_photo(server, open_phone, phone_tools):
    page = open_phone("ta", java_script_enabled=False)
    phone_tools.log_in(page, server.url, WITHOUT_JS)
    prompt = _take_photo(page, server, WITHOUT_JS, navigates=True)
    assert page.locator("#task .payload").inner_text() != prompt, page.locator(
        "#task").inner_text()
    photos = _photos(server, WITHOUT_JS)
    assert len(photos) == 1, photos
    assert photos[0]["kind"] == "image" and photos[0]["answer"] == str(photos[0]["id"])
    assert max(photos[0]["width"], photos[0]["height"]) <= 1280
    assert server.value("SELECT count(*) FROM uploads u JOIN users s ON s.id = u.user_id"
                        " WHERE s.login = ?", (WITHOUT_JS,)) == 0
