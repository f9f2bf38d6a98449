"""Recordings: decode what a phone sent (any container and codec FFmpeg reads, through
PyAV), check it (length, voice, clipping) and make the small Opus copy for listening."""
import hashlib
import io
import math
from array import array

import av
import webrtcvad

from .errors import Invalid

RATE = 16_000  # what the checks hear: voice activity detection takes 8, 16 or 32 kHz
FRAME = RATE * 30 // 1000  # webrtcvad judges 10, 20 or 30 ms frames
MIN_MS = 1_000
MIN_VOICE_MS = 300  # less speech than this in the whole clip: silence, or a cough
FULL_SCALE = 32_000  # a sample this loud was cut off by the microphone
MAX_CLIPPED = 0.01  # more than 1 % of samples at full scale: distorted
MAX_UPLOAD = 4 * 1024 * 1024  # two minutes of any codec a phone records is far less
LISTEN_KBPS = 16  # Opus at 16 kbit/s mono: clear speech, 5 s in about 10 KB
LISTEN_TYPE = "audio/ogg"


def decode(data: bytes, max_ms: int | None = None) -> array:
    """16 kHz mono signed 16-bit samples of the first audio stream.

    Raises Invalid("not_audio") when FFmpeg cannot read any sound in it, and
    Invalid("recording_too_long") as soon as it passes `max_ms` (so a long file costs
    no more than the limit)."""
    samples = array("h")
    limit = None if max_ms is None else max_ms * RATE // 1000
    try:
        with av.open(io.BytesIO(data), mode="r") as container:
            stream = next((s for s in container.streams if s.type == "audio"), None)
            if stream is None:
                raise Invalid("not_audio")
            resampler = av.AudioResampler(format="s16", layout="mono", rate=RATE)
            for frame in container.decode(stream):
                for out in resampler.resample(frame):
                    samples.frombytes(bytes(out.planes[0])[:out.samples * 2])
                if limit is not None and len(samples) > limit:
                    raise Invalid("recording_too_long", limit=max_ms // 1000)
            for out in resampler.resample(None):
                samples.frombytes(bytes(out.planes[0])[:out.samples * 2])
    except Invalid:
        raise
    except (av.FFmpegError, ValueError, StopIteration, IndexError) as exc:
        raise Invalid("not_audio") from exc
    if not samples:
        raise Invalid("not_audio")
    return samples


def voice_ms(samples: array) -> int:
    """Milliseconds of speech webrtcvad hears (its mode 2: neither lax nor strict)."""
    vad = webrtcvad.Vad(2)
    raw = samples.tobytes()
    step = FRAME * 2
    frames = sum(vad.is_speech(raw[at:at + step], RATE)
                 for at in range(0, len(raw) - step + 1, step))
    return frames * 30


def clipped_share(samples: array) -> float:
    """The share of samples at (or within a hair of) full scale."""
    loud = sum(1 for s in samples if s >= FULL_SCALE or s <= -FULL_SCALE)
    return loud / len(samples)


def check(samples: array, max_ms: int) -> int:
    """Refuse a recording too short, too long, silent or clipped; its length in ms."""
    duration = len(samples) * 1000 // RATE
    if duration > max_ms:
        raise Invalid("recording_too_long", limit=max_ms // 1000)
    if duration < MIN_MS:
        raise Invalid("recording_too_short", limit=MIN_MS // 1000)
    if voice_ms(samples) < MIN_VOICE_MS:
        raise Invalid("recording_silent")
    if clipped_share(samples) > MAX_CLIPPED:
        raise Invalid("recording_clipped")
    return duration


def to_opus(samples: array) -> bytes:
    """The listening copy: Opus in Ogg, mono, LISTEN_KBPS."""
    out = io.BytesIO()
    with av.open(out, mode="w", format="ogg") as container:
        stream = container.add_stream("libopus", rate=RATE)
        stream.bit_rate = LISTEN_KBPS * 1000
        stream.layout = "mono"
        # Tuned for speech; level 5 of 10 costs a third less CPU than the default for the
        # same size at this rate (measured by bench/speech.py).
        stream.codec_context.options = {"application": "voip", "compression_level": "5"}
        raw = samples.tobytes()
        size = stream.codec_context.frame_size or FRAME  # Opus takes 20 ms frames
        for at in range(0, len(samples), size):
            chunk = raw[at * 2:(at + size) * 2]
            frame = av.AudioFrame(format="s16", layout="mono", samples=len(chunk) // 2)
            frame.planes[0].update(chunk)
            frame.sample_rate = RATE
            frame.pts = at
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode(None):
            container.mux(packet)
    return out.getvalue()


def prepare_recording(data: bytes, content_type: str, max_seconds: int) -> dict:
    """A recording as a media row's fields (TaskType.receive): checked, with the upload
    as received kept in `original` and the Opus copy in `data`.

    Raises Invalid: recording_too_big, not_audio, recording_too_long / _too_short,
    recording_silent, recording_clipped."""
    if len(data) > MAX_UPLOAD:
        raise Invalid("recording_too_big")
    max_ms = max_seconds * 1000 + 500  # the phone stops at the limit; its timer is rough
    samples = decode(data, max_ms)
    duration = check(samples, max_ms)
    return {"kind": "audio", "content_type": LISTEN_TYPE, "width": 0, "height": 0,
            "duration_ms": duration, "sha256": hashlib.sha256(data).hexdigest(),
            "data": to_opus(samples), "original": data,
            "original_type": (content_type or "application/octet-stream")[:100]}


def speechlike_wav(seconds: float = 3.0, rate: int = 48_000, level: float = 0.3,
                   silent: bool = False, pauses: bool = True) -> bytes:
    """A WAV that voice activity detection takes for speech (a voiced buzz with syllable
    rhythm), for tests, the benchmark and the browser's fake microphone. Without `pauses`
    the syllables run together: a phone's encoder then sends a steady bit rate."""
    import wave
    pcm = array("h")
    for n in range(int(seconds * rate)):
        t = n / rate
        if silent:
            pcm.append(0)
            continue
        envelope = max(0.0, math.sin(2 * math.pi * 3 * t)) ** 0.5  # three syllables a second
        envelope = envelope if pauses else 0.5 + envelope / 2
        pitch = 120 + 20 * math.sin(2 * math.pi * 0.5 * t)
        voice = sum(math.sin(2 * math.pi * pitch * k * t) / k for k in range(1, 12))
        pcm.append(int(max(-1.0, min(1.0, level * envelope * voice / 2)) * 32767))
    out = io.BytesIO()
    with wave.open(out, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(rate)
        w.writeframes(pcm.tobytes())
    return out.getvalue()
