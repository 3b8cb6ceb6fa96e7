"""Nothing from subtraction: the rule that protects figures which are not counts of
organisations (a share of adoptions, a mean of answers) from being worked out from the
figures around them.

A reader who knows a parent's figure (everyone's, or a region's) and the figures of some of
its children (the stakeholder groups, the regions, a region's countries…) can take the
known children away from the parent: what is left, the *rest* (the withheld children
together, and whoever no child lists), must pass the figure's own rule (``publishable``:
at least *k* organisations…) as if it were published. While it does not, the published
child with the smallest ``size`` is withheld too; when none is left to withhold, the parent
(or, when the parent is known because another partition of it adds up, the cheapest child
of that partition).

What the reader knows: a figure published now; a figure withheld now with the value
published for it in an earlier period (``earlier``: the reader guesses "unchanged", so
withholding it protects nothing and it is never chosen); a parent whose children, in one
partition, are all known and hold all of its organisations (``size`` adds up); a child that
is the only unknown one of a partition whose parent is known. The figures' own modules say
what their amounts are (:mod:`.compile_partnerships`, :mod:`.compile_pulse`).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import Protocol, Self

from .anonymisation import COMPLEMENTARY, Cell

logger = logging.getLogger(__name__)

Bundle = tuple[str, str]
Partition = tuple[Bundle, list[Bundle]]


class Amounts(Protocol):
    """What a bundle's figure comes from, as far as the rule needs it."""

    def __sub__(self, other: Self) -> Self: ...

    @property
    def empty(self) -> bool: ...

    def publishable(self, k: int) -> bool: ...


def withhold_rests[A: Amounts](
    figures: Mapping[Bundle, Cell],
    amounts: Mapping[Bundle, A],
    partitions: Sequence[Partition],
    *,
    k: int,
    zero: A,
    size: Callable[[Bundle], int],
    earlier: Mapping[Bundle, float] | None = None,
) -> None:
    """Withhold, in place, what the rule above asks among ``figures`` (one measure of one
    subject, by bundle). ``partitions``: (parent, children) where the children's
    organisations are the parent's or part of them; only bundles with a figure take part.
    A rest's amounts are the parent's less the known children's (``amounts``' subtraction
    says what it can tell of the rest)."""
    earlier = earlier or {}
    parts = [
        (parent, [c for c in children if c in figures])
        for parent, children in partitions
        if parent in figures
    ]

    def known_before(bundle: Bundle) -> bool:
        before, value = earlier.get(bundle), figures[bundle].true_value
        return before is not None and value is not None and round(before - value, 1) == 0

    def shown(bundle: Bundle) -> bool:
        return not figures[bundle].suppressed or known_before(bundle)

    def adds_up(parent: Bundle, children: list[Bundle], depth: int) -> bool:
        return (
            bool(children)
            and all(known(c, depth + 1) for c in children)
            and sum(size(c) for c in children) == size(parent)
        )

    def known(bundle: Bundle, depth: int = 0, besides: list[Bundle] | None = None) -> bool:
        """Whether the reader knows the figure: shown, or worked out from a partition
        (not ``besides``: what a partition's own children give is its rest)."""
        if shown(bundle):
            return True
        if depth > len(parts):  # (the partitions nest a few levels deep at most)
            return False
        for parent, children in parts:
            if children is besides:
                continue
            if parent == bundle and adds_up(parent, children, depth):
                return True
            if (
                bundle in children
                and sum(size(c) for c in children) == size(parent)
                and all(shown(c) for c in children if c != bundle)
                and known(parent, depth + 1)
            ):
                return True
        return False

    def cheapest(bundles: list[Bundle]) -> Bundle | None:
        free = [b for b in bundles if not figures[b].suppressed and not known_before(b)]
        return min(free, key=lambda b: (size(b), b)) if free else None

    def rest_of(parent: Bundle, seen: list[Bundle]) -> A:
        found = amounts.get(parent, zero)
        for bundle in seen:
            found = found - amounts.get(bundle, zero)
        return found

    def makers(bundle: Bundle, children: list[Bundle] | None = None) -> list[Bundle]:
        """What withholding could make a known figure unknown: itself when it is published;
        else what it is worked out from (another partition of it that adds up, or its
        parent and siblings)."""
        if not figures[bundle].suppressed:
            return [bundle]
        found = []
        for other, others in parts:
            if other == bundle and others is not children:
                found += others
            elif bundle in others:
                found += [other, *(c for c in others if c != bundle)]
        return found

    while True:
        withheld = False
        for parent, children in parts:
            if not known(parent):
                continue
            seen = [c for c in children if known(c, besides=children)]
            left = rest_of(parent, seen)
            if left.empty or left.publishable(k):
                continue
            chosen = cheapest([m for c in seen for m in makers(c)])
            if chosen is None and known_before(parent):  # unchanged: nothing hides it now
                logger.warning("Cannot protect the rest of %s in %s", parent, children)
                continue
            if chosen is None:  # the parent itself, or what makes it known
                chosen = cheapest(makers(parent, children))
            if chosen is None:
                logger.warning("Cannot protect the rest of %s in %s", parent, children)
                continue
            figures[chosen].suppress(COMPLEMENTARY)
            withheld = True
        if not withheld:
            return
