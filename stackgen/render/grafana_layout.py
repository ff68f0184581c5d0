"""Where each panel goes on Grafana's 24-column grid, computed from the rows and panel sizes.

Panels flow left to right and wrap when the next one does not fit. Each panel rests on whatever is
below it in its columns (a skyline), which is exactly where Grafana's vertical compaction would move it:
the positions written are the positions shown, and a dashboard saved from the UI does not move them.
A titled row starts a new line with a one-unit row header across the grid.
"""

from __future__ import annotations

from stackgen.frozen import Frozen
from stackgen.model import Row

GRID_COLUMNS = 24
ROW_HEIGHT = 1


class Box(Frozen):
    x: int
    y: int
    w: int
    h: int

    @property
    def bottom(self) -> int:
        return self.y + self.h


class PlacedRow(Frozen):
    """One spec row: its header (None for an untitled row) and one box per panel, in spec order."""

    header: Box | None
    panels: tuple[Box, ...]


class _Skyline:
    """The lowest free y of every column, and the column where the next panel goes."""

    def __init__(self, top: int = 0) -> None:
        self.heights = [top] * GRID_COLUMNS
        self.cursor = 0

    @property
    def bottom(self) -> int:
        return max(self.heights)

    def place(self, width: int, height: int) -> Box:
        if self.cursor + width > GRID_COLUMNS:
            self.cursor = 0
        columns = range(self.cursor, self.cursor + width)
        box = Box(self.cursor, max(self.heights[c] for c in columns), width, height)
        for c in columns:
            self.heights[c] = box.bottom
        self.cursor += width
        return box


def layout_rows(rows: tuple[Row, ...]) -> tuple[PlacedRow, ...]:
    """Grid positions of every row header and panel. Panels of a collapsed row are laid out below
    its header as Grafana shows them when the row is expanded; they take no room while it is closed."""
    grid = _Skyline()
    placed = []
    for row in rows:
        header = None
        if row.title:
            header = Box(0, grid.bottom, GRID_COLUMNS, ROW_HEIGHT)
            grid = _Skyline(header.bottom)
        else:
            grid.cursor = 0  # an untitled row still starts at the left edge
        inner = _Skyline(header.bottom) if row.collapsed and header else grid
        placed.append(PlacedRow(header, tuple(inner.place(p.width, p.height) for p in row.panels)))
    return tuple(placed)
