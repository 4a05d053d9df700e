"""What plausible delivery looks like: rates per creative type, the diurnal curve, audience mixes.

Figures are typical open-exchange programmatic benchmarks (display CTR around 0.1%, video
completion around 70%, ...); the simulator draws around them per campaign so campaigns differ.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from adplane.master import catalog


@dataclass(frozen=True)
class CreativeProfile:
    ctr: float  # clicks per impression
    cvr: float  # conversions per click
    video: bool  # emits video start/quartile/complete events
    vcr: float = 0.0  # completions per impression (video)
    duration_seconds: int = 0
    clearing_share: tuple[float, float] = (0.45, 0.9)  # clearing price as a share of max bid (range)


CREATIVE_PROFILES: dict[int, CreativeProfile] = {
    catalog.CREATIVE_TYPE_IMAGE: CreativeProfile(ctr=0.0012, cvr=0.03, video=False),
    catalog.CREATIVE_TYPE_HTML: CreativeProfile(ctr=0.0015, cvr=0.03, video=False),
    catalog.CREATIVE_TYPE_NATIVE: CreativeProfile(ctr=0.0025, cvr=0.035, video=False),
    catalog.CREATIVE_TYPE_VIDEO: CreativeProfile(ctr=0.004, cvr=0.02, video=True, vcr=0.72, duration_seconds=30,
                                                 clearing_share=(0.55, 0.95)),
    catalog.CREATIVE_TYPE_AUDIO: CreativeProfile(ctr=0.0005, cvr=0.02, video=True, vcr=0.85, duration_seconds=30,
                                                 clearing_share=(0.5, 0.9)),
}
DEFAULT_PROFILE = CREATIVE_PROFILES[catalog.CREATIVE_TYPE_IMAGE]

# Share of ad requests by local hour 0..23 (quiet nights, a lunch bump, an evening peak).
DIURNAL = np.array([
    0.30, 0.20, 0.15, 0.12, 0.12, 0.18, 0.35, 0.60, 0.80, 0.90, 0.95, 1.00,
    1.02, 0.98, 0.95, 0.95, 1.00, 1.05, 1.15, 1.25, 1.30, 1.20, 0.90, 0.55,
])

# Approximate populations (millions, 2020 census) so geography follows people.
STATE_POPULATION = {
    "AK": 0.73, "AL": 5.0, "AR": 3.0, "AZ": 7.2, "CA": 39.5, "CO": 5.8, "CT": 3.6, "DC": 0.69, "DE": 0.99,
    "FL": 21.5, "GA": 10.7, "HI": 1.46, "IA": 3.2, "ID": 1.84, "IL": 12.8, "IN": 6.8, "KS": 2.9, "KY": 4.5,
    "LA": 4.66, "MA": 7.0, "MD": 6.2, "ME": 1.36, "MI": 10.1, "MN": 5.7, "MO": 6.15, "MS": 2.96, "MT": 1.08,
    "NC": 10.4, "ND": 0.78, "NE": 1.96, "NH": 1.38, "NJ": 9.3, "NM": 2.1, "NV": 3.1, "NY": 20.2, "OH": 11.8,
    "OK": 3.96, "OR": 4.24, "PA": 13.0, "RI": 1.1, "SC": 5.1, "SD": 0.89, "TN": 6.9, "TX": 29.1, "UT": 3.27,
    "VA": 8.6, "VT": 0.64, "WA": 7.7, "WI": 5.9, "WV": 1.79, "WY": 0.58,
}

# Device mix of open-exchange impressions, and the operating systems seen on each device type.
DEVICE_SHARE = {11: 0.55, 12: 0.08, 13: 0.25, 15: 0.10, 14: 0.02}
OS_BY_DEVICE: dict[int, dict[str, float]] = {
    11: {"Android": 0.55, "iOS": 0.45},
    12: {"iOS": 0.6, "Android": 0.35, "Fire OS": 0.05},
    13: {"Windows": 0.72, "macOS": 0.2, "Chrome OS": 0.05, "Linux": 0.03},
    15: {"Roku OS": 0.35, "Tizen": 0.2, "webOS": 0.12, "tvOS": 0.13, "Fire OS": 0.2},
    14: {"Other": 1.0},
}
# Traffic type by device: connected TV is CTV (and OTT) inventory, desktop is web.
TRAFFIC_BY_DEVICE: dict[int, dict[int, float]] = {
    11: {catalog.TRAFFIC_TYPE_APP: 0.7, catalog.TRAFFIC_TYPE_WEB: 0.3},
    12: {catalog.TRAFFIC_TYPE_APP: 0.6, catalog.TRAFFIC_TYPE_WEB: 0.4},
    13: {catalog.TRAFFIC_TYPE_WEB: 1.0},
    15: {catalog.TRAFFIC_TYPE_CTV: 0.7, catalog.TRAFFIC_TYPE_OTT: 0.3},
    14: {catalog.TRAFFIC_TYPE_WEB: 0.5, catalog.TRAFFIC_TYPE_APP: 0.5},
}
GENDER_SHARE = {10200001: 0.47, 10200002: 0.48, 10299999: 0.05}
AGE_SHARE = {10100001: 0.04, 10100002: 0.14, 10100003: 0.2, 10100004: 0.18, 10100005: 0.16, 10100006: 0.14,
             10100007: 0.1, 10199999: 0.04}

# Publishers: sites for web, app bundles for apps, channels for CTV.
WEB_PUBLISHERS = (
    "weather.com", "espn.com", "cnn.com", "foxnews.com", "nytimes.com", "usatoday.com", "allrecipes.com",
    "webmd.com", "healthline.com", "people.com", "cbssports.com", "nbcnews.com", "accuweather.com",
    "bleacherreport.com", "huffpost.com", "forbes.com", "businessinsider.com", "dictionary.com",
    "merriam-webster.com", "drugs.com", "mayoclinic.org", "everydayhealth.com", "medscape.com", "zillow.com",
)
APP_PUBLISHERS = (
    "com.weather.Weather", "com.espn.score_center", "com.zynga.words3", "com.king.candycrushsaga",
    "com.pandora.android", "com.audiomack", "com.mobilityware.solitaire", "com.easybrain.sudoku.android",
    "com.gsn.android.casino", "com.tinder", "com.outfit7.talkingtom", "com.playrix.homescapes",
    "com.iheartradio.connect", "com.smule.singandroid", "com.block.juggle", "com.wordscapes",
)
CTV_PUBLISHERS = ("pluto.tv", "tubi.tv", "roku.channel", "samsung.tvplus", "xumo.tv", "sling.freestream",
                  "philo.com", "fubo.tv")



def normalized(weights: dict) -> tuple[np.ndarray, np.ndarray]:
    keys = np.array(list(weights))
    values = np.array(list(weights.values()), dtype=float)
    return keys, values / values.sum()
