"""A cookie-keeping HTTP client for tests against real servers (`serve` processes, nginx): a new
connection per request, redirects not followed (so a sign-in page is seen), CSRF tokens read
from the page a form is on."""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


class Browser:
    class _NoRedirect(urllib.request.HTTPRedirectHandler):
        def redirect_request(self, *args: object, **kwargs: object) -> None:
            return None

    def __init__(self, base: str) -> None:
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), self._NoRedirect)

    def request(self, path: str, data: dict[str, str] | None = None) -> tuple[int, str, str]:
        """(status, body, Location) of a GET, or of a POST of `data`."""
        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=120) as r:
                return r.status, r.read().decode(), r.headers.get("Location", "")
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode(), e.headers.get("Location", "")

    def csrf(self, path: str) -> str:
        status, page, _ = self.request(path)
        match = CSRF.search(page)
        assert match, (path, status, page[:300])
        return match.group(1)

    def post(self, path: str, fields: dict[str, str], page: str) -> tuple[int, str, str]:
        """POST `fields` to `path` with the CSRF token of the form on `page`."""
        return self.request(path, {**fields, "csrf_token": self.csrf(page)})

    def sign_in(self, email: str, password: str) -> int:
        return self.post("/login", {"email": email, "password": password}, "/login")[0]
