"""Server-rendered SVG charts of the report pages (the dashboard, the callback KPIs): geometry
computed here, drawn by the macros of templates/_charts.html (no chart library, no inline
styles; colours come from CSS classes)."""
from dataclasses import dataclass


@dataclass
class Bar:
    x: float
    y: float
    width: float
    height: float
    label: str
    value: str
    href: str | None = None


def trend_chart(points: list[dict], *, count: str, rate: str, width=640, height=220,
                pad=32) -> dict:
    """Weekly bars of each point's `count` (tickets filed, callbacks done) and a line of its
    `rate` (0–1: the established rate, the satisfaction; None draws no dot)."""
    n = max(len(points), 1)
    top = max([p[count] for p in points] + [1])
    slot = (width - 2 * pad) / n
    plot_h = height - 2 * pad
    bars, line = [], []
    for i, p in enumerate(points):
        h = plot_h * p[count] / top
        x = pad + i * slot + slot * 0.15
        bars.append(Bar(x=x, y=height - pad - h, width=slot * 0.7, height=h,
                        label=p["span"].start.strftime("%m-%d"), value=str(p[count])))
        if p[rate] is not None:
            line.append((pad + i * slot + slot / 2, height - pad - plot_h * p[rate]))
    return {"width": width, "height": height, "pad": pad, "bars": bars,
            "line": " ".join(f"{x:.1f},{y:.1f}" for x, y in line),
            "dots": line, "top": top, "baseline": height - pad}


def hbars(items: list[tuple[str, int, str | None]], *, width=420, row=26, label_w=150) -> dict:
    """Horizontal bars: (label, count, link)."""
    top = max([count for _, count, _ in items] + [1])
    bars = [Bar(x=label_w, y=i * row + 4, width=max((width - label_w - 40) * count / top, 1),
                height=row - 10, label=label, value=str(count), href=href)
            for i, (label, count, href) in enumerate(items)]
    return {"width": width, "height": max(len(items), 1) * row + 4, "bars": bars,
            "label_w": label_w}
