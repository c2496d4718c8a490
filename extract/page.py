"""The page model that PDF pages and scanned pages share: a page's characters
and the cell boxes of its ruled tables (`Page`), ruling lines in pdfplumber's
edge format (`edge`), and the lattice that turns rules into cells
(`lattice`, after `close_page_cuts`). `extract/pdf_pages.py` fills it from a
PDF's text layer, `extract/ocr.py` from an image; neither imports the other's
internals."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

Char = tuple[float, float, float, float, float, str]
BBox = tuple[float, float, float, float]
Edge = dict[str, Any]  # a ruling line in pdfplumber's edge format (`edge`)
Point = tuple[float, float]

# pdfplumber's own defaults for the lines strategy.
SNAP_TOLERANCE = JOIN_TOLERANCE = 3
EDGE_MIN_LENGTH = 3
INTERSECTION_TOLERANCE = 3
DESCENT = 0.12  # of the font size, below the baseline
STRAIGHT = 0.5


class CellBox(Protocol):
    """One drawn cell as the readers fill it (extract/pdf.py's Box)."""

    x0: float
    top: float
    x1: float
    bottom: float
    text: str


@dataclass
class Page:
    number: int  # 1-based
    width: float
    height: float
    chars: list[Char]
    tables: list[list[BBox]]  # cell boxes of each ruled table
    has_images: bool
    ocr: dict[Char, float] | None = None  # for a page read by OCR: each char tuple's confidence (0-100)
    image: object = None  # for a page read by OCR: its deskewed grayscale image
    turned: int = 0  # for a page read by OCR: degrees it was turned clockwise to stand upright
    unmapped: bool = False  # its text layer is glyph numbers, not text (`pdf_pages.unmapped`): read as a scan


def edge(orientation: str, x0: float, x1: float, top: float, bottom: float) -> Edge:
    """A ruling line in pdfplumber's edge format (points, top-left origin)."""
    return {"object_type": "line", "orientation": orientation, "x0": x0, "x1": x1, "top": top, "bottom": bottom,
            "doctop": top, "width": x1 - x0, "height": bottom - top}


CUT_REACH = 400.0  # points past a page's foot (or head) that a cut cell's label may be drawn at


def close_page_cuts(edges: list[Edge]) -> list[Edge]:
    """A merged cell that a page break cuts has no rule where the page ends:
    its vertical rules stop at the page's last (or first) row rule with no
    horizontal rule between them there, so no cell forms and the column
    drops out of the page's table. A spreadsheet printed by LibreOffice then
    draws the cell's label from the break on, below (or above) the table and
    past the page's edge. Such an open column is drawn on down (up) by
    CUT_REACH and closed there, so its cell holds its label."""
    vs = [e for e in edges if e["orientation"] == "v"]
    hs = [e for e in edges if e["orientation"] == "h"]
    if len(vs) < 2:
        return edges
    out = list(edges)
    for key, y in (("bottom", max(e["bottom"] for e in vs)), ("top", min(e["top"] for e in vs))):
        far = y + CUT_REACH if key == "bottom" else y - CUT_REACH
        xs = sorted({round(e["x0"], 1) for e in vs if abs(e[key] - y) <= SNAP_TOLERANCE})
        ruled = [(h["x0"], h["x1"]) for h in hs if abs(h["top"] - y) <= SNAP_TOLERANCE]
        for x0, x1 in zip(xs, xs[1:], strict=False):
            if any(a <= x0 + JOIN_TOLERANCE and b >= x1 - JOIN_TOLERANCE for a, b in ruled):
                continue  # a closed cell
            top, bottom = (y, far) if key == "bottom" else (far, y)
            out += [edge("v", x0, x0, top, bottom), edge("v", x1, x1, top, bottom), edge("h", x0, x1, far, far)]
    return out


def lattice(edges: list[Edge]) -> list[list[BBox]]:
    """pdfplumber's lines strategy, on edges from anywhere (cells a page
    break cut closed first: `close_page_cuts`)."""
    from pdfplumber.table import edges_to_intersections, merge_edges
    from pdfplumber.utils.geometry import filter_edges

    if not edges:
        return []
    edges = merge_edges(close_page_cuts(edges), SNAP_TOLERANCE, SNAP_TOLERANCE, JOIN_TOLERANCE, JOIN_TOLERANCE)
    edges = filter_edges(edges, min_length=EDGE_MIN_LENGTH)
    points = edges_to_intersections(edges, INTERSECTION_TOLERANCE, INTERSECTION_TOLERANCE)
    tables: list[list[BBox]] = cells_to_tables(intersections_to_cells(points))
    return tables


def intersections_to_cells(intersections: dict[Point, dict[str, list[Edge]]]) -> list[BBox]:
    """pdfplumber's `intersections_to_cells`, cell for cell, without its
    quadratic scans: each point's edges become sets once, and the points
    below and right of a point are looked up by column and by row. An edge
    is known by its identity where pdfplumber compares bounding boxes: after
    `merge_edges` no two edges of one orientation share one."""
    points = sorted(intersections)
    v = {p: {id(e) for e in intersections[p]["v"]} for p in points}
    h = {p: {id(e) for e in intersections[p]["h"]} for p in points}
    by_x: dict[float, list[Point]] = {}
    by_y: dict[float, list[Point]] = {}
    for p in points:  # sorted, so each list runs down (by_x) or right (by_y)
        by_x.setdefault(p[0], []).append(p)
        by_y.setdefault(p[1], []).append(p)
    # where each point stands in its column and in its row
    at_x = {p: k for column in by_x.values() for k, p in enumerate(column)}
    at_y = {p: k for row in by_y.values() for k, p in enumerate(row)}

    cells = []
    for pt in points:
        hs, vs = h[pt], v[pt]
        if not hs or not vs:
            continue  # no rule runs right, or none down: no cell has this corner
        right = [q for q in by_y[pt[1]][at_y[pt] + 1:] if not hs.isdisjoint(h[q])]
        if not right:
            continue
        for b in by_x[pt[0]][at_x[pt] + 1:]:
            if vs.isdisjoint(v[b]):
                continue
            hb = h[b]
            cell = next(((pt[0], pt[1], r[0], b[1]) for r in right
                         if (corner := (r[0], b[1])) in v and not v[corner].isdisjoint(v[r])
                         and not h[corner].isdisjoint(hb)), None)
            if cell:
                cells.append(cell)
                break
    return cells


def cells_to_tables(cells: list[BBox]) -> list[list[BBox]]:
    """pdfplumber's `cells_to_tables`, table for table and cell for cell:
    passes over the cells not yet placed, each adding to the table being
    grown those that share a corner with it, until a pass adds none. A pass
    keeps the cells it leaves in a new list, where pdfplumber removes each
    one it takes from the list (quadratic in the page's cells)."""
    remaining = list(cells)
    corners: set[Point] = set()
    current: list[BBox] = []
    tables: list[list[BBox]] = []
    while remaining:
        before = len(current)
        left = []
        for cell in remaining:
            x0, top, x1, bottom = cell
            own = ((x0, top), (x0, bottom), (x1, top), (x1, bottom))
            if not current or not corners.isdisjoint(own):
                corners.update(own)
                current.append(cell)
            else:
                left.append(cell)
        remaining = left
        if len(current) == before:
            tables.append(current)
            corners, current = set(), []
    if current:
        tables.append(current)
    ordered = sorted(tables, key=lambda t: min((c[1], c[0]) for c in t))
    return [t for t in ordered if len(t) > 1]
