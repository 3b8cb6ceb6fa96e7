"""A small HTTP client for the drills (standard library only): cookies and CSRF for the
pages, a token for the API, and no exception for an error: each request gives a
:class:`Reply`, whose ``status`` is 0 when no HTTP answer came at all."""

from __future__ import annotations

import http.client
import http.cookiejar
import json
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Any


@dataclass
class Reply:
    status: int
    text: str
    url: str
    seconds: float
    error: str = ""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 400

    def json(self) -> Any:
        return json.loads(self.text)

    def describe(self) -> str:
        return str(self.status) if self.status else (self.error or "no answer")


class Client:
    def __init__(self, base: str, *, token: str = "", timeout: float = 15) -> None:
        self.base, self.token, self.timeout = base.rstrip("/"), token, timeout
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def cookie(self, name: str) -> str:
        return next((c.value or "" for c in self.cookies if c.name == name), "")

    def request(
        self, method: str, path: str, *, data: bytes | None = None, headers: dict | None = None
    ) -> Reply:
        url = self.base + path
        headers = {"Accept-Language": "en", **(headers or {})}
        if self.token:
            headers["Authorization"] = f"Token {self.token}"
        request = urllib.request.Request(url, data=data, headers=headers, method=method)
        started = time.monotonic()
        try:
            with self.opener.open(request, timeout=self.timeout) as response:
                body = response.read().decode("utf-8", "replace")
                return Reply(response.status, body, response.url, time.monotonic() - started)
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            return Reply(exc.code, body, url, time.monotonic() - started)
        except (OSError, http.client.HTTPException) as exc:
            reason = getattr(exc, "reason", exc)
            return Reply(0, "", url, time.monotonic() - started, f"{type(reason).__name__}")

    def get(self, path: str) -> Reply:
        return self.request("GET", path)

    def post_form(self, path: str, fields: dict[str, str]) -> Reply:
        """A form POST, with the CSRF token of the cookie (GET a page first)."""
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": self.cookie("csrftoken"), **fields})
        headers = {"Content-Type": "application/x-www-form-urlencoded", "Referer": self.base + path}
        return self.request("POST", path, data=body.encode(), headers=headers)

    def post_json(self, path: str, payload: dict[str, Any]) -> Reply:
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        return self.request("POST", path, data=json.dumps(payload).encode(), headers=headers)

    def sign_in(self, email: str, password: str) -> Reply:
        """allauth's sign-in form; the reply is the page it leads to."""
        self.get("/account/login/")
        return self.post_form("/account/login/", {"login": email, "password": password})
