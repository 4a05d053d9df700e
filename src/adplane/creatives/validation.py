"""Offline checks of creative content: URL syntax, VAST/DAAST XML, HTML markup."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import urlsplit

MAX_URL_LENGTH = 2048
_HOST_LABEL = re.compile(r"^(?!-)[A-Za-z0-9-]{1,63}(?<!-)$")
_IPV4 = re.compile(r"^\d{1,3}(\.\d{1,3}){3}$")
_VAST_DURATION = re.compile(r"^\s*(\d{1,2}):([0-5]\d):([0-5]\d)(?:\.(\d{1,3}))?\s*$")


class ContentError(ValueError):
    """The creative's content is not acceptable; the message is shown to the client."""


def check_url(value: str, label: str) -> str:
    """Accept `https://host/path` and IQM's scheme-less `www.example.com`; return the value trimmed.

    Refused: blanks, whitespace inside, schemes other than http(s), hosts that are not a domain
    name, `localhost` or an IPv4 address, over-long URLs.
    """
    url = value.strip()
    if not url:
        raise ContentError(f"{label} is required.")
    if len(url) > MAX_URL_LENGTH:
        raise ContentError(f"{label} is longer than {MAX_URL_LENGTH} characters.")
    if any(ch.isspace() for ch in url):
        raise ContentError(f"{label} is not a valid URL: it contains whitespace.")
    candidate = url if "://" in url else f"http://{url}"
    try:
        parts = urlsplit(candidate)
        host = parts.hostname or ""
        parts.port  # noqa: B018 - raises ValueError for a malformed port
    except ValueError:
        raise ContentError(f"{label} is not a valid URL.") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise ContentError(f"{label} must be an http or https URL.")
    if not _valid_host(host):
        raise ContentError(f"{label} is not a valid URL: '{host or url}' is not a host name.")
    return url


def _valid_host(host: str) -> bool:
    if host == "localhost":
        return True
    if _IPV4.match(host):
        return all(0 <= int(octet) <= 255 for octet in host.split("."))
    labels = host.rstrip(".").split(".")
    if len(labels) < 2 or not all(_HOST_LABEL.match(label) for label in labels):
        return False
    return not labels[-1].isdigit()


@dataclass
class VastInfo:
    version: str
    ad_count: int
    duration_seconds: int | None = None
    media_width: int | None = None
    media_height: int | None = None
    media_types: list[str] = field(default_factory=list)


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def parse_vast(xml_text: str, root_name: str = "VAST") -> VastInfo:
    """Parse VAST (or DAAST) markup: well-formed, the right root, a version and at least one Ad.

    Reads the first linear Duration and the largest MediaFile's size, which the creative keeps.
    """
    text = xml_text.strip()
    if not text:
        raise ContentError(f"{root_name} XML is empty.")
    if re.search(r"<!DOCTYPE|<!ENTITY", text, re.IGNORECASE):
        raise ContentError(f"{root_name} XML must not declare a DOCTYPE or entities.")
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise ContentError(f"{root_name} XML is not well-formed: {exc}.") from None
    if _local(root.tag) != root_name:
        raise ContentError(f"{root_name} XML must have a <{root_name}> root element, not <{_local(root.tag)}>.")
    version = (root.get("version") or "").strip()
    if not version:
        raise ContentError(f"{root_name} XML must declare its version.")
    ads = [el for el in root if _local(el.tag) == "Ad"]
    if not ads:
        raise ContentError(f"{root_name} XML contains no <Ad>.")
    for ad in ads:
        if not any(_local(child.tag) in ("InLine", "Wrapper") for child in ad):
            raise ContentError(f"Every <Ad> of the {root_name} XML needs an <InLine> or a <Wrapper>.")
    info = VastInfo(version=version, ad_count=len(ads))
    for element in root.iter():
        name = _local(element.tag)
        if name == "Duration" and info.duration_seconds is None and element.text:
            info.duration_seconds = parse_vast_duration(element.text, root_name)
        elif name == "MediaFile":
            media_type = element.get("type")
            if media_type:
                info.media_types.append(media_type)
            width, height = _int_attr(element, "width"), _int_attr(element, "height")
            if width and height and width * height > (info.media_width or 0) * (info.media_height or 0):
                info.media_width, info.media_height = width, height
    return info


def parse_vast_duration(text: str, root_name: str = "VAST") -> int:
    match = _VAST_DURATION.match(text)
    if match is None:
        raise ContentError(f"{root_name} <Duration> '{text.strip()}' is not HH:MM:SS or HH:MM:SS.mmm.")
    hours, minutes, seconds, millis = match.groups()
    total = int(hours) * 3600 + int(minutes) * 60 + int(seconds) + (int(millis.ljust(3, "0")) / 1000 if millis else 0)
    return round(total)


def _int_attr(element: ET.Element, name: str) -> int | None:
    raw = (element.get(name) or "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 9 else None


class _TagCounter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags += 1


def check_html(markup: str) -> str:
    """HTML creatives must contain markup (at least one element), not just text."""
    text = markup.strip()
    if not text:
        raise ContentError("creativeSource HTML is empty.")
    parser = _TagCounter()
    parser.feed(text)
    parser.close()
    if parser.tags == 0:
        raise ContentError("creativeSource HTML contains no HTML element.")
    return text
