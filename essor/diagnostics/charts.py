"""The report's charts as SVG, drawn with pygal: one SVG string serves the page and the PDF.

- `radar_chart`: per dimension, the current score, the target (target level x 20) and the
  peers' median, on the 0-100 scale with a guide every 20 points (one per level, so the
  rings are the band edges of methodology.md §5). The axes carry the dimension numbers of
  the report (long titles would overlap around the circle); the numbered key is printed
  beside the chart and repeated in the SVG's `<desc>` for screen readers. With fewer than
  3 dimensions a radar is meaningless, so the same series are drawn as horizontal bars.
- `progress_chart`: T0 and T1 scores side by side (methodology.md §8), as vertical bars
  under the same dimension numbers.

Output is deterministic: the chart id is fixed (pygal would draw a random one), pygal's
comments (which carry the date), script and per-point tooltip data are removed, its
stylesheet keeps only the rules a static chart uses, and coordinates are cut to 2 decimals.
The SVG has only a `viewBox`, so it takes the width of its container. The root carries
`role="img"` and `aria-labelledby` pointing at its `<title>` and `<desc>`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from xml.etree import ElementTree

import pygal
from django.utils.translation import gettext as _
from pygal.adapters import positive
from pygal.etree import etree
from pygal.style import Style

__all__ = [
    "FONT_FAMILY",
    "ProgressRow",
    "RadarAxis",
    "progress_chart",
    "radar_chart",
]

FONT_FAMILY = "DejaVu Sans, Verdana, sans-serif"
CURRENT_COLOUR = "#1f5fa8"
TARGET_COLOUR = "#b3261e"
MEDIAN_COLOUR = "#2e7d32"
T0_COLOUR = "#9aa5b1"
LEVEL_TICKS = (0, 20, 40, 60, 80, 100)
_DROPPED = frozenset({"desc", "script"})
_INTERACTIVE = re.compile(
    r":hover|:visited|\.tooltip|\.active|\.map-element|no_data|\.showable|\.gauge|"
    r"\.bg-lines|\.ci\b|\.bound|\.max-value|\.text-overlay|\.y2|\.reactive\.active"
)
_NO_PRINT = re.compile(r"-webkit-|-moz-|transition")
_GEOMETRY = ("d", "points", "x", "y", "cx", "cy", "r", "width", "height", "transform")
_LONG_DECIMAL = re.compile(r"(\d\.\d\d)\d+")
RADAR_TICKS = (20, 40, 60, 80)  # no 0 (crowded centre) nor 100 (on the first axis label)


@dataclass(frozen=True, slots=True)
class RadarAxis:
    """One dimension on the radar: its number in the report, its title and three values."""

    number: int
    title: str
    current: float | None
    target: float | None
    """On the 0-100 scale: the target level x 20."""
    median: float | None


@dataclass(frozen=True, slots=True)
class ProgressRow:
    number: int | None
    """The dimension number in the report; None for the overall score."""
    title: str
    t0: float | None
    t1: float | None


def _style(colours: tuple[str, ...]) -> Style:
    return Style(
        font_family=FONT_FAMILY,
        background="white",
        plot_background="white",
        foreground="#222",
        foreground_strong="#222",
        foreground_subtle="#555",
        label_font_size=15,
        major_label_font_size=15,
        value_font_size=13,
        legend_font_size=15,
        title_font_size=17,
        tooltip_font_size=13,
        guide_stroke_color="#b0b0b0",
        major_guide_stroke_color="#808080",
        colors=colours,
        opacity=".22",
        opacity_hover=".35",
    )


class _Radar(pygal.Radar):
    """A radar that keeps a missing value missing (pygal's default turns None into 0)."""

    _adapters = [positive]


def _common() -> dict[str, Any]:
    return {
        # No `title`: the page prints it; `_finish` writes it into the SVG's <title> only.
        "js": [],
        "truncate_legend": -1,
        "disable_xml_declaration": True,
        "legend_at_bottom": True,
        "margin": 8,
        "spacing": 12,
        "print_values": False,
        "value_formatter": lambda v: f"{v:.0f}",
    }


def _static_css(css: str) -> str:
    """pygal's stylesheet without what only an interactive chart uses.

    Selectors naming hover, tooltips, active series, maps, gauges... match nothing in a
    static SVG; transitions and vendor prefixes do nothing in print. Dropping them halves
    the rules the PDF renderer matches against every node of the chart.
    """
    rules = []
    for rule in css.split("}"):
        selectors, _, body = rule.partition("{")
        kept = [s.strip() for s in selectors.split(",") if not _INTERACTIVE.search(s)]
        declarations = [d for d in body.split(";") if d.strip() and not _NO_PRINT.match(d.strip())]
        if kept and declarations:
            rules.append(f"{','.join(kept)}{{{';'.join(declarations)}}}")
    return "".join(rules)


def _finish(chart: Any, chart_id: str, title_text: str, description: str) -> str:
    """Fix the id, drop comments, add accessibility attributes and the description."""
    chart.uuid = chart_id
    root = chart.render_tree()
    for parent in list(root.iter()):
        for child in list(parent):
            # Comments carry the date; pygal's <script> holds its whole config (for
            # tooltips we do not load), and its per-point <desc> and per-label <title> feed
            # those tooltips, doubling the elements the PDF renderer has to style.
            tag = child.tag.rpartition("}")[2] if isinstance(child.tag, str) else ""
            if not tag or tag in _DROPPED or (tag == "title" and parent is not root):
                parent.remove(child)
            elif tag == "style" and child.text:
                child.text = _static_css(child.text)
    for element in root.iter():
        # pygal's legend ids ("activate-serie-0") would clash between two charts of a page.
        element_id = element.get("id")
        if element_id and not element_id.startswith(("chart-", chart_id)):
            element.set("id", f"{chart_id}-{element_id}")
        # Coordinates to 2 decimals: a third of the size, same drawing, and no float noise
        # (296.5000000000069) that could differ between platforms.
        for name in _GEOMETRY:
            value = element.get(name)
            if value is not None:
                element.set(name, _LONG_DECIMAL.sub(r"\1", value))
    root.set("role", "img")
    root.set("aria-labelledby", f"{chart_id}-title {chart_id}-desc")
    title = root.find("{http://www.w3.org/2000/svg}title")
    if title is None:
        title = root.find("title")
    desc = etree.Element("desc")
    desc.set("id", f"{chart_id}-desc")
    desc.text = description
    if title is not None:
        title.text = title_text
        title.set("id", f"{chart_id}-title")
        root.insert(list(root).index(title) + 1, desc)
    else:  # pragma: no cover - pygal always writes a <title>
        root.insert(0, desc)
    return ElementTree.tostring(root, encoding="unicode")


def _fmt(value: float | None) -> str:
    return "—" if value is None else f"{value:.0f}"


def _radar_description(axes: Sequence[RadarAxis]) -> str:
    lines = [
        _(
            "Scores on a 0 to 100 scale, one axis per dimension: current score, target "
            "and peer median."
        )
    ]
    for axis in axes:
        lines.append(
            _("%(number)s. %(title)s: current %(current)s, target %(target)s, median %(median)s.")
            % {
                "number": axis.number,
                "title": axis.title,
                "current": _fmt(axis.current),
                "target": _fmt(axis.target),
                "median": _fmt(axis.median),
            }
        )
    return " ".join(lines)


def radar_chart(
    axes: Sequence[RadarAxis], *, title: str, chart_id: str = "essor-radar", width: int = 640
) -> str:
    """The radar of current, target and peer-median scores (0-100), as an SVG string.

    A series with no value at all (no benchmark, say) is left out of the chart and of
    its legend; a single missing value breaks that series' line. Under 3 axes, the same
    series are drawn as horizontal bars.
    """
    median_values = [a.median for a in axes]
    has_median = any(v is not None for v in median_values)
    colours = (CURRENT_COLOUR, TARGET_COLOUR) + ((MEDIAN_COLOUR,) if has_median else ())
    description = _radar_description(axes)
    if len(axes) < 3:
        bars = pygal.HorizontalBar(
            style=_style(colours),
            range=(0, 100),
            height=150 + 90 * max(1, len(axes)),
            width=480,  # narrower than the radar: the same box then shows larger text
            y_labels=list(LEVEL_TICKS),
            legend_at_bottom_columns=2,
            **_common(),
        )
        ordered = list(reversed(axes))  # pygal draws the first label at the bottom
        bars.x_labels = [str(a.number) for a in ordered]  # as on the radar: the key names them
        bars.add(_("Current score"), [a.current for a in ordered])
        bars.add(_("Target"), [a.target for a in ordered])
        if has_median:
            bars.add(_("Peer median"), [a.median for a in ordered])
        return _finish(bars, chart_id, title, description)
    radar = _Radar(
        style=_style(colours),
        range=(0, 100),
        width=width,
        height=width,
        y_labels=list(RADAR_TICKS),
        x_label_rotation=0.0001,  # 0 would mean "rotate along the axis": keep labels upright
        show_dots=True,
        dots_size=3,
        allow_interruptions=True,
        legend_at_bottom_columns=3 if has_median else 2,
        **_common(),
    )
    radar.x_labels = [str(a.number) for a in axes]
    radar.add(_("Current score"), [a.current for a in axes], fill=True, stroke_style={"width": 3})
    radar.add(_("Target"), [a.target for a in axes], stroke_style={"width": 2, "dasharray": "7,4"})
    if has_median:
        radar.add(_("Peer median"), median_values, stroke_style={"width": 2})
    return _finish(radar, chart_id, title, description)


def progress_chart(
    rows: Sequence[ProgressRow],
    *,
    title: str,
    chart_id: str = "essor-progress",
    width: int = 760,
    height: int = 330,
) -> str:
    """T0 and T1 scores as paired vertical bars (0-100), one pair per row, as an SVG string.

    The x axis carries the dimension numbers (the overall score first, labelled with its
    title); the table below the chart in the report names them.
    """
    chart = pygal.Bar(
        style=_style((T0_COLOUR, CURRENT_COLOUR)),
        range=(0, 100),
        width=width,
        height=height,
        y_labels=list(LEVEL_TICKS),
        legend_at_bottom_columns=2,
        **_common(),
    )
    chart.x_labels = [r.title if r.number is None else str(r.number) for r in rows]
    chart.add(_("T0 (before support)"), [r.t0 for r in rows])
    chart.add(_("T1 (after support)"), [r.t1 for r in rows])
    description = " ".join(
        [_("T0 and T1 scores on a 0 to 100 scale.")]
        + [
            _("%(title)s: T0 %(t0)s, T1 %(t1)s.")
            % {
                "title": r.title if r.number is None else f"{r.number}. {r.title}",
                "t0": _fmt(r.t0),
                "t1": _fmt(r.t1),
            }
            for r in rows
        ]
    )
    return _finish(chart, chart_id, title, description)
