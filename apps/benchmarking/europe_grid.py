"""Where each European country sits on the tile-grid map of Europe: an equal square per
country at its approximate place, as tile-grid maps of Europe commonly lay them out (the
Nordic countries on top, the Iberian peninsula to the west, the Caucasus at the south-east).

``(column, row)`` from the top left. Every sovereign country of :data:`COUNTRY_REGION`
(and Kosovo) has a tile; the microstates (Andorra, Liechtenstein, Monaco, San Marino, the
Vatican) and the dependencies (the Faroes, Greenland, Åland, Svalbard, the crown
dependencies, Gibraltar) have none: their figures, when published, are on their own pages.
"""

from __future__ import annotations

EUROPE_GRID: dict[str, tuple[int, int]] = {
    "IS": (0, 0),
    "NO": (4, 0),
    "SE": (5, 0),
    "FI": (6, 0),
    "IE": (0, 1),
    "GB": (1, 1),
    "DK": (4, 1),
    "EE": (6, 1),
    "RU": (7, 1),
    "NL": (2, 2),
    "DE": (3, 2),
    "PL": (4, 2),
    "LV": (6, 2),
    "BE": (1, 3),
    "LU": (2, 3),
    "CZ": (3, 3),
    "SK": (4, 3),
    "LT": (5, 3),
    "BY": (6, 3),
    "FR": (1, 4),
    "CH": (2, 4),
    "AT": (3, 4),
    "HU": (4, 4),
    "UA": (5, 4),
    "PT": (0, 5),
    "ES": (1, 5),
    "IT": (2, 5),
    "SI": (3, 5),
    "HR": (4, 5),
    "RO": (5, 5),
    "MD": (6, 5),
    "MT": (2, 6),
    "BA": (3, 6),
    "RS": (4, 6),
    "BG": (5, 6),
    "ME": (3, 7),
    "XK": (4, 7),
    "MK": (5, 7),
    "TR": (6, 7),
    "GE": (7, 7),
    "AL": (3, 8),
    "GR": (4, 8),
    "CY": (6, 8),
    "AM": (7, 8),
    "AZ": (8, 8),
}
COLUMNS = 1 + max(c for c, _r in EUROPE_GRID.values())
ROWS = 1 + max(r for _c, r in EUROPE_GRID.values())
