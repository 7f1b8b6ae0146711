"""The stats chart is a real PNG that plots exactly the seeded community's numbers."""

from __future__ import annotations

import io
import struct
import sys

from bot.core.services import Services
from bot.core.stats import community_stats
from bot.core.stats.chart import DPI, SIZE_INCHES, chart_data, figure, png
from tests.conftest import START

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


def png_size(data: bytes) -> tuple[int, int]:
    """Width and height from the PNG's first chunk, which must be its header."""
    assert data[:8] == PNG_SIGNATURE
    length, kind = struct.unpack(">I4s", data[8:16])
    assert (length, kind) == (13, b"IHDR")
    return struct.unpack(">II", data[16:24])


async def test_the_chart_plots_the_seeded_numbers_as_a_png(seeded: Services):
    """Bars are the members per path, lines the funnel per path; the PNG decodes at its size."""
    async with seeded.db() as session:
        stats = await community_stats(session, seeded.content.current, START)
    data = chart_data(stats)
    assert dict(data.members) == {"AI engineer": 3, "ML engineer": 1, "Explorer": 1}
    funnels = {title: counts for title, _, counts in data.funnels}
    assert funnels["AI engineer"][:3] == (3, 1, 0) and sum(funnels["AI engineer"]) == 4
    drawn = figure(data)
    members, funnel = drawn.axes
    assert [bar.get_width() for bar in members.patches] == [3, 1, 1]
    assert [label.get_text() for label in members.get_yticklabels()] == [
        title for title, _ in data.members
    ]
    assert [(line.get_label(), tuple(line.get_ydata())) for line in funnel.get_lines()] == [
        (title, counts) for title, _, counts in data.funnels
    ]
    assert [tuple(line.get_xdata()) for line in funnel.get_lines()] == [
        days for _, days, _ in data.funnels
    ]
    picture = png(drawn)
    width, height = png_size(picture)
    assert (width, height) == (SIZE_INCHES[0] * DPI, SIZE_INCHES[1] * DPI)
    from matplotlib.image import imread

    assert imread(io.BytesIO(picture)).shape[:2] == (height, width)
    assert 10_000 < len(picture) < 500_000


def test_matplotlib_waits_for_the_first_chart():
    """Importing the stats package and the admin commands leaves matplotlib unimported."""
    import subprocess

    code = (
        "import sys, bot.core.stats, bot.core.commands.admin, bot.app; "
        "sys.exit('matplotlib' in sys.modules)"
    )
    assert subprocess.run([sys.executable, "-c", code], timeout=60).returncode == 0
