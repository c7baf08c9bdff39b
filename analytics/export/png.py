"""PNG charts: an Altair chart rendered offline with vl-convert, and a safe file name for its download."""

from __future__ import annotations

import re
import unicodedata

import altair as alt
import vl_convert

DEFAULT_PNG_SCALE = 2.0  # twice the CSS pixel size: sharp on screen and in print at 16 cm
CHART_LOCALE = "en-GB"  # d3 number and date formats: £, day-first dates
MAX_FILE_STEM = 80
PNG_WIDTH = 640  # CSS pixels for charts drawn to fit their container; 16 cm at scale 2 is ~200 dpi


def _vega_lite_version() -> str | None:
    """The Vega-Lite version Altair writes, if vl-convert bundles it (else vl-convert's latest)."""
    major_minor = ".".join(alt.SCHEMA_VERSION.lstrip("v").split(".")[:2])
    return major_minor if major_minor in vl_convert.get_vegalite_versions() else None


def chart_png(chart: alt.TopLevelMixin | dict, scale: float = DEFAULT_PNG_SCALE) -> bytes:
    """Render an Altair chart (or a Vega-Lite dict) to PNG bytes with vl-convert, offline.

    Parameters
    ----------
    chart : alt.TopLevelMixin or dict
        The chart, with its data inline (Altair's default); a chart that reads data from a URL fails
        rather than fetching it.
    scale : float, default 2.0
        Pixel scale over the chart's CSS size.

    Returns
    -------
    bytes
        The PNG image.

    Notes
    -----
    ``allowed_base_urls=[]`` forbids every external request, so rendering never touches the network;
    number and date formats use the en-GB locale.
    """
    spec = dict(chart if isinstance(chart, dict) else chart.to_dict())
    if spec.get("width") == "container":  # no container off screen: draw at the pack's width, as Streamlit fits it
        spec["width"] = PNG_WIDTH
        spec["autosize"] = {"type": "fit", "contains": "padding"}
    return vl_convert.vegalite_to_png(spec, vl_version=_vega_lite_version(), scale=scale, allowed_base_urls=[],
                                      format_locale=CHART_LOCALE, time_format_locale=CHART_LOCALE)


def png_download_name(title: str) -> str:
    """A safe file name for a chart download: 'Calls answered (weekly)' -> 'calls-answered-weekly.png'."""
    ascii_title = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^a-z0-9]+", "-", ascii_title.lower()).strip("-")[:MAX_FILE_STEM].strip("-")
    return f"{stem or 'chart'}.png"
