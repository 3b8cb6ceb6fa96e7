"""What a page's HTML holds that ``SECURE_CSP`` (roadmap_portal/settings/base.py) would block:
no 'unsafe-inline' for scripts or styles, and everything from our own origin."""

from __future__ import annotations

from html.parser import HTMLParser

JS_TYPES = {"", "text/javascript", "application/javascript", "module"}


class _Inline(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.blocked: list[str] = []
        self.icons: list[str] = []
        self._in_inline_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        for name, value in values.items():
            if name == "style":
                self.blocked.append(f"a style attribute on <{tag}>")
            elif name.startswith("on"):
                self.blocked.append(f"an {name} handler on <{tag}>")
            elif name in ("href", "src", "action") and value.strip().lower().startswith(
                "javascript:"
            ):
                self.blocked.append(f"a javascript: address on <{tag}>")
        if tag == "style":
            self.blocked.append("a <style> element")
        if tag == "script":
            if "src" in values:
                if values["src"].startswith(("http:", "https:", "//")):
                    self.blocked.append(f"a script from elsewhere: {values['src']}")
            elif values.get("type", "").lower() in JS_TYPES:
                self.blocked.append("an inline <script>")
        if tag == "link":
            rel = values.get("rel", "").lower().split()
            href = values.get("href", "")
            if "stylesheet" in rel and href.startswith(("http:", "https:", "//")):
                self.blocked.append(f"a stylesheet from elsewhere: {href}")
            if "icon" in rel:
                self.icons.append(href)


def blocked_by_csp(html: str) -> list[str]:
    """What in ``html`` the portal's CSP would block (an empty list: nothing)."""
    parser = _Inline()
    parser.feed(html)
    return parser.blocked


def icons(html: str) -> list[str]:
    """The addresses of the page's <link rel="icon">."""
    parser = _Inline()
    parser.feed(html)
    return parser.icons
