"""The weekly chart of the KPI page: callbacks done as bars and the satisfaction rate as a
line, geometry computed here and drawn by the template (no inline styles)."""
from blueprints.reports.charts import Bar


def week_chart(points: list[dict], *, width=640, height=220, pad=32) -> dict:
    n = max(len(points), 1)
    top = max([p["done"] for p in points] + [1])
    slot = (width - 2 * pad) / n
    plot_h = height - 2 * pad
    bars, line = [], []
    for i, p in enumerate(points):
        h = plot_h * p["done"] / top
        x = pad + i * slot + slot * 0.15
        bars.append(Bar(x=x, y=height - pad - h, width=slot * 0.7, height=h,
                        label=p["span"].start.strftime("%m-%d"), value=str(p["done"])))
        if p["satisfaction"] is not None:
            line.append((pad + i * slot + slot / 2, height - pad - plot_h * p["satisfaction"]))
    return {"width": width, "height": height, "pad": pad, "bars": bars,
            "line": " ".join(f"{x:.1f},{y:.1f}" for x, y in line), "dots": line,
            "baseline": height - pad}
