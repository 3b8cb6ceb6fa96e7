"""Template helpers every page of the portal may use."""

from __future__ import annotations

from typing import Any

from django import template
from django.template.base import FilterExpression, Parser, Token, token_kwargs
from django.template.context import Context
from django.utils.html import format_html
from django.utils.translation import get_language

register = template.Library()


@register.simple_tag(takes_context=True)
def aria_current(context: Context, *view_names: str) -> str:
    """``aria-current="page"`` when the page is one of ``view_names``, for the nav."""
    if _view_name(context) in view_names:
        return format_html(' aria-current="{}"', "page")
    return ""


# --- {% memo %}: parts of the layout rendered once per process -------------------------------

MEMO_SIZE = 256  # renderings kept per {% memo %} block (then it starts again)


class MemoNode(template.Node):
    """The block, rendered once per process for each language, page (its view name) and
    value of the block's arguments, and then served as it was rendered.

    The block sees nothing but its arguments and ``current_view`` (the page's view name,
    for ``aria_current``): no request, no user, no CSRF token, no context processor's
    values. So nothing of one reader can be kept for another; whatever the block needs of
    the reader must be an argument, and is part of the key. For the layout's fixed parts
    (menus of links, translated labels): some thirty URL reversals and translations a page.
    """

    def __init__(self, nodelist: template.NodeList, arguments: dict[str, FilterExpression]) -> None:
        self.nodelist = nodelist
        self.arguments = arguments
        self.rendered: dict[tuple[Any, ...], str] = {}

    def render(self, context: Context) -> str:
        values = {name: value.resolve(context) for name, value in self.arguments.items()}
        values["current_view"] = _view_name(context)
        key = (get_language(), *sorted(values.items()))
        html = self.rendered.get(key)
        if html is None:
            if len(self.rendered) >= MEMO_SIZE:
                self.rendered.clear()
            html = self.rendered[key] = self.nodelist.render(context.new(values))
        return html


@register.tag
def memo(parser: Parser, token: Token) -> MemoNode:
    """``{% memo staff=user.is_staff %}…{% endmemo %}``: see :class:`MemoNode`."""
    bits = token.split_contents()[1:]
    arguments = token_kwargs(bits, parser)
    if bits:
        raise template.TemplateSyntaxError("{% memo %} takes name=value arguments only")
    nodelist = parser.parse(("endmemo",))
    parser.delete_first_token()
    return MemoNode(nodelist, arguments)


def _view_name(context: Context) -> str | None:
    """The page's view name: ``current_view`` inside a memo block, else the request's."""
    if "current_view" in context:
        name: str | None = context["current_view"]
        return name
    match = getattr(context.get("request"), "resolver_match", None)
    return match.view_name if match is not None else None
