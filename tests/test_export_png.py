"""PNG charts: rendered offline (a chart that reads a URL is refused), and safe download names."""

from __future__ import annotations

import altair as alt
import pytest

from analytics.export import png
from tests.test_export import PNG_MAGIC, tiny_chart


def test_chart_png_renders_offline():
    image = png.chart_png(tiny_chart(), scale=1.0)
    assert image.startswith(PNG_MAGIC)
    assert len(png.chart_png(tiny_chart())) > len(image)  # scale 2 has more pixels


def test_chart_png_refuses_to_fetch_data_from_a_url():
    remote = alt.Chart("https://example.invalid/data.csv").mark_point().encode(x="a:Q")
    with pytest.raises(ValueError, match="url not allowed"):
        png.chart_png(remote)


def test_png_download_name():
    assert png.png_download_name("Calls answered (weekly)") == "calls-answered-weekly.png"
    assert png.png_download_name("Café: 65+ / £m") == "cafe-65-m.png"
    assert png.png_download_name("../..") == "chart.png"
