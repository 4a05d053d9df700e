"""IQM's static conversion lists (ids as the Conversion API documents them) and the rules they imply."""

from __future__ import annotations

from typing import Any

TYPE_PIXEL = 1
TYPE_POSTBACK = 2
TYPE_NAMES = {TYPE_PIXEL: "Pixel", TYPE_POSTBACK: "Postback"}

STATUS_ACTIVE = 1
STATUS_PENDING = 2
STATUS_NAMES = {STATUS_ACTIVE: "Active", STATUS_PENDING: "Pending"}

ATTRIBUTION_HYBRID = 1
ATTRIBUTION_CLICK = 2
ATTRIBUTION_VIEW = 3

# Attribution windows in days (IQM: post view 1..30, post click 7..60; defaults 28 and 15).
VIEW_DAYS_MIN, VIEW_DAYS_MAX, VIEW_DAYS_DEFAULT = 1, 30, 28
CLICK_DAYS_MIN, CLICK_DAYS_MAX, CLICK_DAYS_DEFAULT = 7, 60, 15
REPEAT_UNITS = {"Hour": 3600, "Day": 86400, "Week": 7 * 86400, "Month": 30 * 86400}

CONVERSION_TYPES: list[dict[str, Any]] = [
    {"id": TYPE_PIXEL, "name": "pixel", "displayName": "Pixel", "order": 1, "active": True},
    {"id": TYPE_POSTBACK, "name": "postback", "displayName": "Postback", "order": 2, "active": True},
]
CONVERSION_STATUSES: list[dict[str, Any]] = [
    {"id": STATUS_ACTIVE, "name": "active", "displayName": "Active", "order": 1, "active": True},
    {"id": STATUS_PENDING, "name": "pending", "displayName": "Pending", "order": 2, "active": True},
]
PIGGYBACK_TYPES: list[dict[str, Any]] = [
    {"id": 1, "name": "image_pixel", "displayName": "Image Pixel", "order": 1, "active": True},
    {"id": 2, "name": "javascript_pixel", "displayName": "Javascript Pixel", "order": 2, "active": True},
]
ATTRIBUTION_TYPES: list[dict[str, Any]] = [
    {"id": ATTRIBUTION_HYBRID, "name": "hybrid", "displayName": "Hybrid", "order": 1, "active": True,
     "description": "Hybrid attribution credits the ad last clicked inside the post-click window, or else the "
                    "ad last viewed inside the post-view window."},
    {"id": ATTRIBUTION_VIEW, "name": "view_based", "displayName": "View Based", "order": 2, "active": True,
     "description": "View-based attribution credits the ad a user last saw before converting."},
    {"id": ATTRIBUTION_CLICK, "name": "click_based", "displayName": "Click Based", "order": 3, "active": True,
     "description": "Click-based attribution credits the ad a user last clicked before converting."},
]
PARTNER_TYPES: list[dict[str, Any]] = [
    {"id": 1, "name": "Kochava", "logoUrl": "https://logo-bucket/partners/kochava.com", "order": 1, "active": True},
    {"id": 2, "name": "Singular", "logoUrl": "https://logo-bucket/partners/singular.net", "order": 2, "active": True},
    {"id": 3, "name": "Appsflyer", "logoUrl": "https://logo-bucket/partners/appsflyer.com", "order": 3,
     "active": True},
    {"id": 4, "name": "Adjust", "logoUrl": "https://logo-bucket/partners/adjust.com", "order": 4, "active": True},
]
PARTNERS_BY_ID = {p["id"]: p for p in PARTNER_TYPES}
PARTNER_SITES = {1: "https://www.kochava.com", 2: "https://www.singular.net", 3: "https://www.appsflyer.com",
                 4: "https://www.adjust.com"}
DEFAULT_ADVANCED_SETTINGS: list[dict[str, Any]] = [
    {"id": 1, "name": "post_click_interval", "displayName": "Post Click Interval", "value": str(CLICK_DAYS_DEFAULT),
     "active": True},
    {"id": 2, "name": "post_view_interval", "displayName": "Post View Interval", "value": str(VIEW_DAYS_DEFAULT),
     "active": True},
    {"id": 3, "name": "cross_device", "displayName": "Cross Device", "value": "true", "active": True},
]
