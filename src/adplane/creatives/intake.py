"""Turning one `creativeRequest` entry (plus its uploaded file) into a validated creative draft.

Everything here is checked before anything is written, so a bad entry fails alone with a reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import ValidationError

from adplane.creatives.media import KIND_BY_EXTENSION, MediaInfo, extension_of, inspect_file
from adplane.creatives.schemas import SOURCE_TYPES, CreativeRequestItem, CustomTracking, NativeDetails
from adplane.creatives.validation import ContentError, check_html, check_url, parse_vast
from adplane.master.catalog import (
    CREATIVE_TYPE_AUDIO,
    CREATIVE_TYPE_HTML,
    CREATIVE_TYPE_IMAGE,
    CREATIVE_TYPE_NATIVE,
    CREATIVE_TYPE_VIDEO,
    CREATIVE_TYPES_BY_ID,
)

ALLOWED_SOURCE_TYPES: dict[int, set[str]] = {
    CREATIVE_TYPE_IMAGE: {"FILE", "URL"},
    CREATIVE_TYPE_HTML: {"HTML", "FILE"},
    CREATIVE_TYPE_VIDEO: {"FILE", "URL", "VAST_URL", "VAST_XML"},
    CREATIVE_TYPE_AUDIO: {"FILE", "URL", "VAST_URL", "VAST_XML", "DAAST_URL", "DAAST_XML"},
    CREATIVE_TYPE_NATIVE: {"FILE", "URL", "VAST_URL", "VAST_XML"},
}
# what an uploaded file / source URL must be for each creative type (native: by subMediaType)
MEDIA_KIND: dict[int, str] = {
    CREATIVE_TYPE_IMAGE: "image",
    CREATIVE_TYPE_HTML: "html",
    CREATIVE_TYPE_VIDEO: "video",
    CREATIVE_TYPE_AUDIO: "audio",
}
NATIVE_SUB_MEDIA_TYPES = ("image", "video")


@dataclass
class UploadedFile:
    name: str
    path: Path
    error: str | None = None  # why the file was refused before being read (size, type)


@dataclass
class CreativeDraft:
    """A creative that passed every check; `upload` is the file to keep, if any."""

    name: str
    external_creative_id: str | None
    creative_type_id: int
    source_type: str  # lower case, as IQM answers it
    source: str
    click_url: str | None
    pixel_url: str | None
    sub_media_type: str | None
    width: int | None
    height: int | None
    duration_seconds: int | None
    details: dict[str, Any] = field(default_factory=dict)
    upload: UploadedFile | None = None
    media: MediaInfo | None = None


def validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    location = ".".join(str(part) for part in first.get("loc", ()))
    message = str(first.get("msg", "Invalid value")).removeprefix("Value error, ")
    return f"{location}: {message}" if location else message


def build_draft(raw: Any, uploads: dict[str, UploadedFile]) -> CreativeDraft:
    """Validate one entry; raises ContentError with the reason the client will see."""
    if not isinstance(raw, dict):
        raise ContentError("Creative details must be a JSON object.")
    try:
        item = CreativeRequestItem.model_validate(raw)
    except ValidationError as exc:
        raise ContentError(validation_message(exc)) from None

    type_id = item.platform_creative_type_id
    if type_id not in CREATIVE_TYPES_BY_ID:
        known = ", ".join(str(t) for t in sorted(CREATIVE_TYPES_BY_ID))
        raise ContentError(f"platformCreativeTypeId {type_id} is not a creative type ({known}).")
    type_name = CREATIVE_TYPES_BY_ID[type_id].name
    source_type = item.creative_source_type
    if source_type not in SOURCE_TYPES:
        raise ContentError(f"creativeSourceType must be one of {', '.join(SOURCE_TYPES)}.")
    if source_type not in ALLOWED_SOURCE_TYPES[type_id]:
        allowed = ", ".join(sorted(ALLOWED_SOURCE_TYPES[type_id]))
        raise ContentError(f"creativeSourceType {source_type} is not allowed for {type_name} creatives ({allowed}).")

    expected_kind = _expected_kind(type_id, item, source_type)
    draft = CreativeDraft(
        name=item.creative_name,
        external_creative_id=item.external_creative_id or None,
        creative_type_id=type_id,
        source_type=source_type.lower(),
        source=item.creative_source,
        click_url=check_url(item.click_url, "clickUrl") if item.click_url else None,
        pixel_url=None,
        sub_media_type=expected_kind if type_id == CREATIVE_TYPE_NATIVE else None,
        width=None,
        height=None,
        duration_seconds=None,
    )
    _apply_declared_details(draft, item)

    if source_type == "FILE":
        _apply_file(draft, item, uploads, expected_kind)
    elif source_type == "URL":
        draft.source = check_url(item.creative_source, "creativeSource")
        _check_url_media(draft.source, expected_kind)
    elif source_type in ("VAST_URL", "DAAST_URL"):
        draft.source = check_url(item.creative_source, "creativeSource")
    elif source_type in ("VAST_XML", "DAAST_XML"):
        vast = parse_vast(item.creative_source, "VAST" if source_type == "VAST_XML" else "DAAST")
        draft.source = item.creative_source.strip()
        draft.duration_seconds = vast.duration_seconds or draft.duration_seconds
        if vast.media_width and vast.media_height:
            draft.width, draft.height = vast.media_width, vast.media_height
        draft.details["vast"] = {"version": vast.version, "adCount": vast.ad_count, "mediaTypes": vast.media_types}
    else:  # HTML markup
        draft.source = check_html(item.creative_source)

    _check_required(draft, item, source_type)
    return draft


def _expected_kind(type_id: int, item: CreativeRequestItem, source_type: str) -> str:
    if type_id != CREATIVE_TYPE_NATIVE:
        return MEDIA_KIND[type_id]
    sub = item.sub_media_type or ("video" if source_type.startswith("VAST") else "image")
    if sub not in NATIVE_SUB_MEDIA_TYPES:
        raise ContentError("subMediaType of a Native creative must be 'image' or 'video'.")
    if source_type.startswith("VAST") and sub != "video":
        raise ContentError("A Native creative from VAST must have subMediaType 'video'.")
    if item.native_details is None:
        raise ContentError("nativeDetails (at least a title) is required for Native creatives.")
    return sub


def _apply_declared_details(draft: CreativeDraft, item: CreativeRequestItem) -> None:
    """Take what the client declared; measured values from the file or XML override it later."""
    if item.image_details is not None:
        if item.image_details.pixel_url:
            draft.pixel_url = check_url(item.image_details.pixel_url, "imageDetails.pixelUrl")
        draft.width, draft.height = item.image_details.creative_width, item.image_details.creative_height
    if item.html_details is not None:
        draft.width, draft.height = item.html_details.creative_width, item.html_details.creative_height
    if item.video_details is not None:
        video = item.video_details
        draft.width = video.creative_width or draft.width
        draft.height = video.creative_height or draft.height
        draft.duration_seconds = video.duration
        if video.custom_tracking is not None:
            draft.details["customTracking"] = _tracking(video.custom_tracking, "videoDetails")
    if item.audio_details is not None:
        audio = item.audio_details
        draft.duration_seconds = audio.duration or draft.duration_seconds
        if audio.custom_tracking is not None:
            draft.details["customTracking"] = _tracking(audio.custom_tracking, "audioDetails")
        if audio.logo_source:
            draft.details["logoSource"] = check_url(audio.logo_source, "audioDetails.logoSource")
    if item.native_details is not None:
        draft.details["nativeDetails"] = _native(item.native_details)


def _tracking(tracking: CustomTracking, parent: str) -> dict[str, str]:
    result: dict[str, str] = {}
    for wire_name, value in tracking.model_dump(by_alias=True, exclude_none=True).items():
        result[wire_name] = check_url(value, f"{parent}.customTracking.{wire_name}")
    return result


def _native(native: NativeDetails) -> dict[str, Any]:
    data = native.model_dump(by_alias=True, exclude_none=True)
    for url_field in ("brandIconSourceUrl", "thumbnailSourceUrl"):
        if url_field in data:
            data[url_field] = check_url(data[url_field], f"nativeDetails.{url_field}")
    return data


def _apply_file(draft: CreativeDraft, item: CreativeRequestItem, uploads: dict[str, UploadedFile], kind: str) -> None:
    file_name = item.creative_source.strip()
    upload = uploads.get(file_name) or uploads.get(file_name.replace("\\", "/").rsplit("/", 1)[-1])
    if upload is None:
        raise ContentError(f"Creative file missing. Please attach the required file. : {file_name}")
    if upload.error:
        raise ContentError(upload.error)
    media = inspect_file(upload.path, file_name)
    if media.kind != kind:
        raise ContentError(f"File '{file_name}' is {media.kind}, but this creative needs {kind}.")
    draft.upload, draft.media = upload, media
    if media.kind == "html":
        draft.source = media.html or ""
    if media.width and media.height:
        draft.width, draft.height = media.width, media.height
    if media.duration_seconds:
        draft.duration_seconds = media.duration_seconds


def _check_url_media(url: str, kind: str) -> None:
    """A source URL whose file extension names another media kind is refused (an .mp4 as an image)."""
    extension = extension_of(urlsplit(url if "://" in url else f"http://{url}").path.rsplit("/", 1)[-1])
    found = KIND_BY_EXTENSION.get(extension)
    if found is not None and found != kind:
        raise ContentError(f"creativeSource points to a {found} file (.{extension}), but this creative needs {kind}.")


def _check_required(draft: CreativeDraft, item: CreativeRequestItem, source_type: str) -> None:
    needs_click = draft.creative_type_id in (CREATIVE_TYPE_IMAGE, CREATIVE_TYPE_NATIVE)
    if needs_click and not draft.source_type.startswith("vast") and not draft.click_url:
        raise ContentError("clickUrl is required for Image and Native creatives.")
    if draft.creative_type_id == CREATIVE_TYPE_HTML and not (draft.width and draft.height):
        raise ContentError("htmlDetails.creativeWidth and htmlDetails.creativeHeight are required for HTML creatives.")
    if draft.creative_type_id == CREATIVE_TYPE_IMAGE and source_type == "URL" and not (draft.width and draft.height):
        raise ContentError(
            "imageDetails.creativeWidth and imageDetails.creativeHeight are required for image URL creatives."
        )
