"""Uploaded creative files: documented size limits, and what the bytes really are.

Image size comes from Pillow; MP4/MOV duration and frame size from the `mvhd`/`tkhd` boxes; WAV
duration from its chunks; MP3 duration from the first frame's bitrate (exact for CBR); Ogg
duration from the last page's granule position.
"""

from __future__ import annotations

import struct
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from PIL import Image, UnidentifiedImageError

from adplane.creatives.validation import ContentError, check_html

KB = 1024
MB = 1024 * KB

# Documented upload limits (IQM's creative quickstart): 2MB JPG/JPEG/PNG, 750KB GIF,
# 400MB MOV/MP4, 100MB MP3/WAV/OGG/MPEG. HTML files are held to the image limit.
SIZE_LIMITS: dict[str, int] = {
    "jpg": 2 * MB,
    "jpeg": 2 * MB,
    "png": 2 * MB,
    "gif": 750 * KB,
    "mp4": 400 * MB,
    "mov": 400 * MB,
    "mp3": 100 * MB,
    "wav": 100 * MB,
    "ogg": 100 * MB,
    "mpeg": 100 * MB,
    "html": 2 * MB,
    "htm": 2 * MB,
}
KIND_BY_EXTENSION: dict[str, str] = {
    "jpg": "image", "jpeg": "image", "png": "image", "gif": "image",
    "mp4": "video", "mov": "video",
    "mp3": "audio", "wav": "audio", "ogg": "audio", "mpeg": "audio",
    "html": "html", "htm": "html",
}
MIME_TYPES: dict[str, str] = {
    "jpg": "image/jpeg", "jpeg": "image/jpeg", "png": "image/png", "gif": "image/gif",
    "mp4": "video/mp4", "mov": "video/quicktime",
    "mp3": "audio/mpeg", "mpeg": "audio/mpeg", "wav": "audio/wav", "ogg": "audio/ogg",
    "html": "text/html", "htm": "text/html",
}
_PIL_FORMATS = {"jpg": "JPEG", "jpeg": "JPEG", "png": "PNG", "gif": "GIF"}
# A few MB of PNG can declare a huge canvas; previews decode it, so the canvas is bounded too.
MAX_IMAGE_SIDE = 20_000
MAX_IMAGE_PIXELS = 40_000_000
MAX_BOXES = 10_000  # per container: a file of tiny boxes must not keep the parser busy
MAX_WAV_CHUNKS = 1_000


@dataclass
class MediaInfo:
    kind: str  # image, video, audio, html
    extension: str
    mime_type: str
    size_bytes: int
    width: int | None = None
    height: int | None = None
    duration_seconds: int | None = None
    html: str | None = None


def extension_of(file_name: str) -> str:
    return file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""


def human_size(size: int) -> str:
    return f"{size // MB}MB" if size >= MB and size % MB == 0 else f"{size // KB}KB"


def check_size(file_name: str, size: int) -> str:
    """The extension after checking it is supported and the size within its limit."""
    extension = extension_of(file_name)
    if extension not in SIZE_LIMITS:
        supported = ", ".join(sorted(SIZE_LIMITS))
        raise ContentError(f"File type of '{file_name}' is not supported; supported: {supported}.")
    if size == 0:
        raise ContentError(f"File '{file_name}' is empty.")
    if size > SIZE_LIMITS[extension]:
        raise ContentError(
            f"File '{file_name}' is {size} bytes; the limit for {extension.upper()} files is "
            f"{human_size(SIZE_LIMITS[extension])}."
        )
    return extension


def inspect_file(path: Path, file_name: str) -> MediaInfo:
    size = path.stat().st_size
    extension = check_size(file_name, size)
    kind = KIND_BY_EXTENSION[extension]
    info = MediaInfo(kind=kind, extension=extension, mime_type=MIME_TYPES[extension], size_bytes=size)
    if kind == "image":
        info.width, info.height = _image_size(path, file_name, _PIL_FORMATS[extension])
    elif kind == "video":
        info.duration_seconds, info.width, info.height = _mp4_info(path, file_name)
    elif kind == "audio":
        info.duration_seconds = _audio_duration(path, file_name, extension)
    else:
        try:
            info.html = check_html(path.read_text(encoding="utf-8"))
        except UnicodeDecodeError:
            raise ContentError(f"File '{file_name}' is not UTF-8 text.") from None
    return info


# --------------------------------------------------------------------------- images


def _image_size(path: Path, file_name: str, expected_format: str) -> tuple[int, int]:
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                image.verify()
            with Image.open(path) as image:
                actual_format, size = image.format, image.size
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombWarning,
            Image.DecompressionBombError):
        raise ContentError(f"File '{file_name}' is not a readable image.") from None
    if actual_format != expected_format:
        raise ContentError(f"File '{file_name}' is a {actual_format} image, not {expected_format} as its name says.")
    width, height = size
    if width > MAX_IMAGE_SIDE or height > MAX_IMAGE_SIDE or width * height > MAX_IMAGE_PIXELS:
        raise ContentError(
            f"Image '{file_name}' is {width}x{height}; at most {MAX_IMAGE_SIDE} pixels a side and "
            f"{MAX_IMAGE_PIXELS} pixels in all."
        )
    return size


# --------------------------------------------------------------------------- MP4 / MOV

_MP4_FIRST_BOXES = {b"ftyp", b"moov", b"mdat", b"wide", b"free", b"skip", b"pnot"}


def _boxes(stream: BinaryIO, start: int, end: int) -> list[tuple[bytes, int, int]]:
    """(type, payload offset, payload end) of the boxes between start and end."""
    found: list[tuple[bytes, int, int]] = []
    offset = start
    while offset + 8 <= end:
        if len(found) >= MAX_BOXES:
            raise ValueError("too many boxes")
        stream.seek(offset)
        header = stream.read(8)
        if len(header) < 8:
            break
        size, box_type = struct.unpack(">I4s", header)
        payload = offset + 8
        if size == 1:
            large = stream.read(8)
            if len(large) < 8:
                break
            size = struct.unpack(">Q", large)[0]
            payload = offset + 16
        elif size == 0:
            size = end - offset
        if size < payload - offset or offset + size > end:
            raise ValueError("box overruns its container")
        found.append((box_type, payload, offset + size))
        offset += size
    return found


def _mp4_info(path: Path, file_name: str) -> tuple[int, int | None, int | None]:
    end = path.stat().st_size
    try:
        with path.open("rb") as stream:
            top = _boxes(stream, 0, end)
            if not top or top[0][0] not in _MP4_FIRST_BOXES:
                raise ValueError("not an ISO media file")
            moov = next((b for b in top if b[0] == b"moov"), None)
            if moov is None:
                raise ContentError(f"File '{file_name}' has no 'moov' box: it is not a playable video.")
            duration: int | None = None
            width = height = None
            for box_type, payload, box_end in _boxes(stream, moov[1], moov[2]):
                if box_type == b"mvhd":
                    duration = _mvhd_duration(stream, payload)
                elif box_type == b"trak" and width is None:
                    for sub_type, sub_payload, _ in _boxes(stream, payload, box_end):
                        if sub_type == b"tkhd":
                            width, height = _tkhd_size(stream, sub_payload)
    except ContentError:
        raise
    except (ValueError, struct.error):
        raise ContentError(f"File '{file_name}' is not a valid MP4/MOV video.") from None
    if duration is None:
        raise ContentError(f"File '{file_name}' has no movie header: it is not a playable video.")
    return duration, width, height


def _mvhd_duration(stream: BinaryIO, payload: int) -> int:
    stream.seek(payload)
    version = stream.read(4)[0]
    if version == 1:
        _, _, timescale, duration = struct.unpack(">QQIQ", stream.read(28))
    else:
        _, _, timescale, duration = struct.unpack(">IIII", stream.read(16))
    if timescale == 0:
        raise ValueError("zero timescale")
    return round(duration / timescale)


def _tkhd_size(stream: BinaryIO, payload: int) -> tuple[int | None, int | None]:
    stream.seek(payload)
    version = stream.read(4)[0]
    skip = 32 if version == 1 else 20  # times, track id, reserved, duration
    stream.seek(payload + 4 + skip + 8 + 8 + 36)  # reserved, layer/group/volume/reserved, matrix
    width, height = struct.unpack(">II", stream.read(8))
    width, height = width >> 16, height >> 16
    return (width, height) if width and height else (None, None)


# --------------------------------------------------------------------------- audio

_MP3_BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320]
_MP3_BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160]


def _audio_duration(path: Path, file_name: str, extension: str) -> int | None:
    with path.open("rb") as stream:
        head = stream.read(64)
        try:
            if extension == "wav":
                if head[:4] != b"RIFF" or head[8:12] != b"WAVE":
                    raise ValueError("not RIFF/WAVE")
                return _wav_duration(stream, path.stat().st_size)
            if extension == "ogg":
                if head[:4] != b"OggS":
                    raise ValueError("not Ogg")
                return _ogg_duration(stream, path.stat().st_size)
            return _mp3_duration(stream, path.stat().st_size)
        except (ValueError, struct.error, IndexError):
            raise ContentError(f"File '{file_name}' is not a valid {extension.upper()} audio file.") from None


def _wav_duration(stream: BinaryIO, size: int) -> int:
    byte_rate = None
    offset = 12
    for _ in range(MAX_WAV_CHUNKS):
        if offset + 8 > size:
            break
        stream.seek(offset)
        chunk_id, chunk_size = struct.unpack("<4sI", stream.read(8))
        if chunk_id == b"fmt ":
            byte_rate = struct.unpack("<HHII", stream.read(12))[3]
        elif chunk_id == b"data":
            if not byte_rate:
                raise ValueError("data before fmt")
            return round(min(chunk_size, size - offset - 8) / byte_rate)
        offset += 8 + chunk_size + (chunk_size & 1)
    raise ValueError("no data chunk")


def _ogg_duration(stream: BinaryIO, size: int) -> int:
    stream.seek(0)
    first = stream.read(4096)
    if b"\x01vorbis" in first:
        at = first.index(b"\x01vorbis") + 7
        sample_rate = struct.unpack("<I", first[at + 5 : at + 9])[0]
    elif b"OpusHead" in first:
        sample_rate = 48000
    else:
        raise ValueError("unknown Ogg codec")
    stream.seek(max(0, size - 65536))
    tail = stream.read()
    last = tail.rfind(b"OggS")
    if last < 0 or sample_rate == 0:
        raise ValueError("no final page")
    granule = struct.unpack("<q", tail[last + 6 : last + 14])[0]
    return round(granule / sample_rate)


def _mp3_duration(stream: BinaryIO, size: int) -> int:
    stream.seek(0)
    header = stream.read(10)
    audio_start = 0
    if header[:3] == b"ID3":
        audio_start = 10 + ((header[6] << 21) | (header[7] << 14) | (header[8] << 7) | header[9])
    stream.seek(audio_start)
    frame = stream.read(4)
    if len(frame) < 4 or frame[0] != 0xFF or frame[1] & 0xE0 != 0xE0:
        raise ValueError("no MPEG audio frame")
    version_bits = (frame[1] >> 3) & 0x03
    bitrate_index = frame[2] >> 4
    if version_bits == 1 or bitrate_index in (0, 15):
        raise ValueError("unsupported frame")
    table = _MP3_BITRATES_V1 if version_bits == 3 else _MP3_BITRATES_V2
    bitrate = table[bitrate_index] * 1000
    return round((size - audio_start) * 8 / bitrate)


# --------------------------------------------------------------------------- previews

# IQM's preview sizes: a list thumbnail and a card (width, height).
PREVIEW_BOXES: dict[str, tuple[int, int]] = {"creativeThumbnailSource": (136, 82), "creativeCardSource": (278, 220)}


def write_preview(source: Path, target: Path, box: tuple[int, int]) -> tuple[int, int]:
    """A PNG of the image's first frame scaled to fit `box` (never enlarged); returns its size."""
    with Image.open(source) as image:
        image.seek(0)
        frame = image.convert("RGBA")
    frame.thumbnail(box)
    frame.save(target, format="PNG")
    return frame.size
