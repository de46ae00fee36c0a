"""Geometry of the four-quadrant risk chart, drawn as SVG by templates/risks/index.html: one
mark per open risk, placed in the cell of its probability (x) and impact (y). Colours come
from CSS classes; the template uses SVG presentation attributes only (no inline styles)."""
from collections import defaultdict
from dataclasses import dataclass

from domain.risks import HIGH, SCORES, quadrant

CELL_W, CELL_H = 84, 66           # one score step
LEFT, TOP = 64, 12                # room for the impact axis on the left
SIDE = len(SCORES)
PLOT_W, PLOT_H = SIDE * CELL_W, SIDE * CELL_H
WIDTH, HEIGHT = LEFT + PLOT_W + 12, TOP + PLOT_H + 52
PER_ROW, STEP, RADIUS = 3, 23, 10  # marks sharing a cell: up to 3 a row, 23 px apart


@dataclass(frozen=True)
class Mark:
    risk_id: int
    label: str
    title: str
    x: float
    y: float
    quadrant: str
    overdue: bool


def x_of(probability: float) -> float:
    return LEFT + (probability - 1) * CELL_W


def y_of(impact: float) -> float:
    """Top edge of the cell row of `impact` (5 at the top)."""
    return TOP + (SIDE - impact) * CELL_H


def _offsets(n: int) -> list[tuple[float, float]]:
    """Centres of n marks around the middle of a cell, in rows of PER_ROW."""
    rows = [list(range(i, min(i + PER_ROW, n))) for i in range(0, n, PER_ROW)]
    out = []
    for r, row in enumerate(rows):
        dy = (r - (len(rows) - 1) / 2) * STEP
        for c in range(len(row)):
            out.append(((c - (len(row) - 1) / 2) * STEP, dy))
    return out


def quadrant_chart(risks, overdue_ids=frozenset()) -> dict:
    """Everything the template draws: size, the four quadrant rectangles, ticks and marks."""
    cells = defaultdict(list)
    for risk in risks:
        cells[(risk.probability, risk.impact)].append(risk)
    marks = []
    for (p, i), members in sorted(cells.items()):
        cx, cy = x_of(p) + CELL_W / 2, y_of(i) + CELL_H / 2
        for risk, (dx, dy) in zip(sorted(members, key=lambda r: r.id), _offsets(len(members)),
                                  strict=True):
            marks.append(Mark(risk_id=risk.id, label=str(risk.id), title=risk.title,
                              x=round(cx + dx, 1), y=round(cy + dy, 1),
                              quadrant=quadrant(p, i), overdue=risk.id in overdue_ids))
    split_x, split_y = x_of(HIGH), y_of(HIGH - 1)  # between scores 2 and 3 on each axis
    right, bottom = LEFT + PLOT_W, TOP + PLOT_H
    quadrants = [  # (quadrant, x, y, width, height)
        ("fallback_plan", LEFT, TOP, split_x - LEFT, split_y - TOP),
        ("plan_ahead", split_x, TOP, right - split_x, split_y - TOP),
        ("monitor", LEFT, split_y, split_x - LEFT, bottom - split_y),
        ("update_manual", split_x, split_y, right - split_x, bottom - split_y),
    ]
    return {
        "width": WIDTH, "height": HEIGHT, "left": LEFT, "top": TOP, "right": right,
        "bottom": bottom, "split_x": split_x, "split_y": split_y, "radius": RADIUS,
        "quadrants": [dict(zip(("name", "x", "y", "w", "h"), q, strict=True))
                      for q in quadrants],
        "v_lines": [x_of(s) for s in SCORES[1:]], "h_lines": [y_of(s) for s in SCORES[:-1]],
        "x_ticks": [(s, x_of(s) + CELL_W / 2) for s in SCORES],
        "y_ticks": [(s, y_of(s) + CELL_H / 2) for s in SCORES],
        "marks": marks,
    }
