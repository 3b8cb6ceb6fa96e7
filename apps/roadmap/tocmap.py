"""The roadmap drawn as its theory of change: actions lead to intermediate goals, which lead to
end goals and the vision.

:func:`theory_of_change` lays the published edition out as one picture, in columns from left
to right (actions, intermediate goals, end goals, the vision), and the template
``roadmap/_toc_map.html`` draws it as SVG on the server: no script, printable, every node a
link. Dimensions are told apart by a pattern and a letter as well as by colour; a
stakeholder group's actions are highlighted by a thick outline and a marker, never by colour
alone. A goal with assumptions carries a ⚑ badge with their number (the assumptions are listed
in the outline below the map), and an action that also contributes to a goal of another branch
has a dashed arrow to it, told apart from the solid "leads to" arrows by its dashes and its
open arrowhead. The layout reads only what :meth:`EditionQuerySet.with_goal_tree` prefetched.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from .models import Action, Edition, EndGoal, IntermediateGoal

# Columns: x and width of each kind of node.
ACTION_X, ACTION_W = 8, 360
GOAL_X, GOAL_W = 430, 270
END_X, END_W = 760, 230
VISION_X, VISION_W = 1050, 150
WIDTH = VISION_X + VISION_W + 8

ROW = 30  # an action's row
ACTION_H = 24
GOAL_GAP = 12  # between the actions of two intermediate goals
END_GAP = 28  # between two end goals
TOP = 36  # room for the column headings

# Characters of a line that fit a node (the full title is the node's accessible name).
ACTION_CHARS, GOAL_CHARS, END_CHARS, VISION_CHARS = 41, 36, 30, 19
BADGE_CHARS = 5  # room kept at a goal's right for its assumptions badge
BADGE_W = 30
LINE = 15  # between two lines of a node's text


def _short(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _room(height: int) -> int:
    """How many lines of text fit a box ``height`` high."""
    return max(1, (height - 8) // LINE)


def _lines(code: str, text: str, width: int, height: int) -> tuple[str, ...]:
    """The code and the text, wrapped to the node's width and cut to its height."""
    room = _room(height)
    words = " ".join(filter(None, [code, " ".join(text.split())]))
    wrapped = textwrap.wrap(words, width) or [""]
    if len(wrapped) > room:
        wrapped = [*wrapped[: room - 1], _short(" ".join(wrapped[room - 1 :]), width)]
    return tuple(wrapped)


@dataclass(frozen=True)
class Node:
    """A box of the picture: where it is, what it says and where it leads."""

    kind: str  # action, goal, end-goal or vision
    code: str
    lines: tuple[str, ...]  # the text drawn in the box
    name: str  # its accessible name: code and full title
    url: str
    x: int
    y: int
    w: int
    h: int
    dimension: str = ""  # an action's dimension slug, for its pattern
    dimension_letter: str = ""
    highlighted: bool = False
    note: str = ""  # an overlay's short text for the node (an action's is drawn at its right)
    heat: str = ""  # a heat layer's level for the node's fill ("" for none)
    assumptions: int = 0  # a goal's number of assumptions, drawn as a badge at its top right

    @property
    def mid_y(self) -> float:
        return self.y + self.h / 2

    @property
    def text_x(self) -> int:
        return self.x + 8

    @property
    def note_x(self) -> int:
        """Where an action's note ends (right-aligned, before its dimension's letter)."""
        return self.x + self.w - 44

    @property
    def badge_x(self) -> int:
        return self.x + self.w - BADGE_W - 3

    @property
    def placed_lines(self) -> list[tuple[float, str]]:
        """Each line of text with its baseline, the block centred in the box."""
        first = self.mid_y + 5 - (len(self.lines) - 1) * LINE / 2
        return [(first + i * LINE, line) for i, line in enumerate(self.lines)]


@dataclass(frozen=True)
class Edge:
    """An arrow from one node's right side to another's left side: "leads to" (an item to its
    parent) or "contributes to" (an action to a goal of another branch, drawn dashed)."""

    path: str
    kind: str = "leads"  # or "contributes"


@dataclass
class Map:
    width: int
    height: int
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    dimensions: list[tuple[str, str, str]] = field(default_factory=list)  # slug, name, letter
    highlighted: int = 0
    heat: bool = False  # whether the nodes are filled by a heat layer

    @property
    def has_assumptions(self) -> bool:
        return any(node.assumptions for node in self.nodes)

    @property
    def has_contributions(self) -> bool:
        return any(edge.kind == "contributes" for edge in self.edges)


def _edge(source: Node, target: Node, kind: str = "leads") -> Edge:
    x1, y1 = source.x + source.w, source.mid_y
    # A "contributes to" arrow ends near the goal's top, apart from the "leads to" arrows,
    # which all meet at its middle.
    x2, y2 = target.x, target.mid_y if kind == "leads" else target.y + 6
    bend = (x2 - x1) / 2
    path = f"M{x1},{y1:.1f} C{x1 + bend:.1f},{y1:.1f} {x2 - bend:.1f},{y2:.1f} {x2},{y2:.1f}"
    return Edge(path, kind)


def _parent(
    kind: str,
    item: EndGoal | IntermediateGoal,
    children: list[Node],
    y: int,
    x: int,
    w: int,
    chars: int,
) -> Node:
    """The box of a goal, beside its children's boxes (one row high when it has none, at
    ``y``)."""
    top = children[0].y if children else y - ROW
    bottom = children[-1].y + children[-1].h if children else top + ACTION_H
    height = max(bottom - top, ACTION_H)
    assumptions: int = getattr(item, "assumption_count", 0)  # with_goal_tree's annotation
    if assumptions:
        chars -= BADGE_CHARS  # the badge's room
    return Node(
        kind,
        item.code,
        _lines(item.code, item.title, chars, height),
        f"{item.code} {item.title}",
        item.get_absolute_url(),
        x,
        top,
        w,
        height,
        assumptions=assumptions,
    )


def _is_for(action: Action, group: str) -> bool:
    return bool(group) and any(g.slug == group for g in action.stakeholder_groups.all())


def _noted(node: Node, notes: Mapping[str, str], heat: Mapping[str, str]) -> Node:
    """The node with its overlay note: an action's drawn at its right (its title shortened
    to make room), a goal's as its first line; the note is part of its accessible name. And
    its heat level, if the layer gives one."""
    note = notes.get(node.code, "")
    node = replace(node, heat=heat.get(node.code, ""))
    if not note:
        return node
    if node.kind == "action":
        lines: tuple[str, ...] = (_short(node.lines[0], ACTION_CHARS - len(note) - 2),)
    elif _room(node.h) == 1:  # a goal one row high: the note, then as much title as fits
        chars = GOAL_CHARS if node.kind == "goal" else END_CHARS
        lines = (_short(f"{note} · {node.lines[0]}", chars),)
    else:
        lines = (note, *node.lines)[: _room(node.h)]  # the note first, then what still fits
    return replace(node, lines=lines, note=note, name=f"{node.name}: {note}")


def theory_of_change(
    edition: Edition,
    *,
    group: str = "",
    notes: Mapping[str, str] | None = None,
    heat: Mapping[str, str] | None = None,
) -> Map:
    """The edition as a picture; ``group``: a stakeholder group's slug whose actions are
    highlighted ("" for none); ``notes``: an overlay's short text per code (an action's or a
    goal's); ``heat``: a heat layer's level per code, which the template draws as the node's
    fill (the note says the same in words)."""
    found = Map(width=WIDTH, height=0)
    letters: dict[str, tuple[str, str, str]] = {}
    end_nodes: list[Node] = []
    goal_by_code: dict[str, Node] = {}
    contributions: list[tuple[Node, list[str]]] = []  # an action's node, its goals' codes
    y = TOP
    for end_goal in edition.end_goals.all():
        goal_nodes: list[Node] = []
        for goal in end_goal.intermediate_goals.all():
            action_nodes = []
            for action in goal.actions.all():
                dimension = action.dimension
                letter = dimension.name[:1].upper() if dimension else ""
                if dimension is not None:
                    letters.setdefault(dimension.slug, (dimension.slug, dimension.name, letter))
                node = Node(
                    "action",
                    action.code,
                    (_short(f"{action.code} {action.title}", ACTION_CHARS),),
                    f"{action.code} {action.title}",
                    action.get_absolute_url(),
                    ACTION_X,
                    y,
                    ACTION_W,
                    ACTION_H,
                    dimension.slug if dimension else "",
                    letter,
                    _is_for(action, group),
                )
                codes = [g.code for g in action.contributes_to.all()]
                if codes:  # the dashed arrows, in words for its accessible name
                    also = _("also contributes to %(codes)s") % {"codes": ", ".join(codes)}
                    node = replace(node, name=f"{node.name} ({also})")
                action_nodes.append(node)
                contributions.append((node, codes))
                found.highlighted += node.highlighted
                y += ROW
            if not action_nodes:
                y += ROW
            goal_node = _parent("goal", goal, action_nodes, y, GOAL_X, GOAL_W, GOAL_CHARS)
            found.edges += [_edge(a, goal_node) for a in action_nodes]
            found.nodes += action_nodes
            goal_nodes.append(goal_node)
            goal_by_code[goal.code] = goal_node
            y += GOAL_GAP
        if not goal_nodes:
            y += ROW
        end_node = _parent("end-goal", end_goal, goal_nodes, y, END_X, END_W, END_CHARS)
        found.edges += [_edge(g, end_node) for g in goal_nodes]
        found.nodes += goal_nodes
        end_nodes.append(end_node)
        y += END_GAP - GOAL_GAP
    height = max(y, TOP + 4 * ROW)
    box = height - TOP - END_GAP
    vision = Node(
        "vision",
        "",
        _lines("", edition.vision, VISION_CHARS, box),
        edition.vision,
        "#vision",
        VISION_X,
        TOP,
        VISION_W,
        box,
    )
    found.edges += [_edge(e, vision) for e in end_nodes]
    found.edges += [
        _edge(node, goal_by_code[code], "contributes")
        for node, codes in contributions
        for code in codes
        if code in goal_by_code
    ]
    found.nodes += [*end_nodes, vision]
    if notes or heat:
        found.nodes = [_noted(node, notes or {}, heat or {}) for node in found.nodes]
        found.heat = bool(heat)
    found.height = height
    found.dimensions = sorted(letters.values())
    return found
