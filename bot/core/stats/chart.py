"""The stats chart: members per path and the completion funnel of each path, as a PNG.

matplotlib takes about half a second to import, so it is imported only when a chart is drawn,
and it draws on its Agg canvas (a plain image, no display) with a figure of its own: no pyplot
and its global state, so a chart can be drawn in a worker thread.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.core.stats.query import CommunityStats

if TYPE_CHECKING:
    from matplotlib.figure import Figure

SIZE_INCHES = (10.0, 7.5)
DPI = 100


@dataclass(frozen=True)
class ChartData:
    """What the chart plots, so it can be checked without reading pixels."""

    # (path title, members on it or finished)
    members: tuple[tuple[str, int], ...]
    # (path title, the days of its items, members who marked each one done)
    funnels: tuple[tuple[str, tuple[int, ...], tuple[int, ...]], ...]


def chart_data(stats: CommunityStats) -> ChartData:
    return ChartData(
        members=tuple((path.title, path.members) for path in stats.paths),
        funnels=tuple(
            (
                path.title,
                tuple(step.day for step in path.steps),
                tuple(step.completed for step in path.steps),
            )
            for path in stats.paths
        ),
    )


def figure(data: ChartData) -> Figure:
    from matplotlib.figure import Figure

    chart = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    members, funnel = chart.subplots(2, 1, height_ratios=(1, 2))
    titles = [title for title, _ in data.members]
    members.barh(titles, [count for _, count in data.members], color="#4c72b0")
    members.invert_yaxis()
    members.set_title("Members per path")
    members.set_xlabel("members on the path or finished")
    members.xaxis.get_major_locator().set_params(integer=True)
    for title, days, counts in data.funnels:
        funnel.plot(days, counts, marker="o", markersize=3, label=title)
    funnel.set_title("Completion funnel: members who marked each day done")
    funnel.set_xlabel("day on the path")
    funnel.set_ylabel("members")
    funnel.yaxis.get_major_locator().set_params(integer=True)
    funnel.set_ylim(bottom=0)
    if data.funnels:
        funnel.legend(loc="upper right")
    return chart


def png(chart: Figure) -> bytes:
    from matplotlib.backends.backend_agg import FigureCanvasAgg

    buffer = io.BytesIO()
    FigureCanvasAgg(chart).print_png(buffer)
    return buffer.getvalue()


def draw(data: ChartData) -> bytes:
    return png(figure(data))
