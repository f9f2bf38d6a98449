"""Sound clips for transcription: decoded with PyAV (FFmpeg in its wheel) whatever the
client sent (WAV, MP3, M4A, Ogg, WebM...) and kept as a small Opus copy, mono, about
20 kbit/s, which a phone plays natively: a 5-second clip is about 13 KB."""
import hashlib
import io

import av

from .errors import Invalid

RATE = 16_000  # wideband speech: all a transcriber needs, and Opus's cheapest mode
BIT_RATE = 20_000
MAX_SECONDS = 120  # a transcription task is a short clip; longer ones are cut by the client
CONTENT_TYPE = "audio/ogg"


def prepare_clip(data: bytes, max_seconds: int = MAX_SECONDS) -> dict:
    """The media row's fields for a clip: `data` Ogg Opus mono, `duration_ms`.

    Raises Invalid("not_audio") for bytes with no sound FFmpeg can decode,
    Invalid("clip_too_long", limit=seconds) past max_seconds (decoding stops there)."""
    out = io.BytesIO()
    samples = 0
    try:
        with av.open(io.BytesIO(data), "r") as source:
            if not source.streams.audio:
                raise Invalid("not_audio")
            with av.open(out, "w", format="ogg") as target:
                stream = target.add_stream("libopus", rate=RATE, layout="mono")
                stream.bit_rate = BIT_RATE
                resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
                for frame in source.decode(source.streams.audio[0]):
                    for mono in resampler.resample(frame):
                        samples += mono.samples
                        if samples > max_seconds * RATE:
                            raise Invalid("clip_too_long", limit=max_seconds)
                        target.mux(stream.encode(mono))
                for mono in resampler.resample(None):
                    samples += mono.samples
                    target.mux(stream.encode(mono))
                target.mux(stream.encode(None))
    except Invalid:
        raise
    except (av.FFmpegError, ValueError, OSError, EOFError) as exc:
        raise Invalid("not_audio") from exc
    if samples == 0:
        raise Invalid("not_audio")
    opus = out.getvalue()
    return {"kind": "audio", "content_type": CONTENT_TYPE, "width": 0, "height": 0,
            "duration_ms": samples * 1000 // RATE, "sha256": hashlib.sha256(opus).hexdigest(),
            "data": opus, "original": None, "original_type": None}


def tone(seconds: float, hz: int = 440, rate: int = RATE) -> bytes:
    """A WAV of a sine tone with a little noise: a clip for the demo and the tests."""
    import math
    import random
    import struct
    import wave

    rng = random.Random(hz)
    frames = b"".join(
        struct.pack("<h", int(8000 * math.sin(2 * math.pi * hz * i / rate)
                              + rng.randint(-800, 800)))
        for i in range(int(seconds * rate)))
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(2)
        wav.setframerate(rate)
        wav.writeframes(frames)
    return out.getvalue()
