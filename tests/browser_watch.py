"""A Chromium page watched for console problems and for requests leaving the test server,
for the browser tests of the map (tests/test_map_browser.py)."""

from playwright.sync_api import Browser, ConsoleMessage, Page, Route

from service.map import CONTENT_SECURITY_POLICY


class Watched:
    """A page whose console problems and requests leaving the server are recorded. With
    ``intercept`` every request elsewhere is refused before it leaves the browser (which
    turns the browser's HTTP cache off: Playwright's routing bypasses it)."""

    def __init__(self, page: Page, server_url: str, intercept: bool = True) -> None:
        self.page, self.problems, self.foreign = page, list[str](), list[str]()
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"page error: {error}"))
        if intercept:
            page.route("**/*", lambda route: self._route(route, server_url))
        else:
            page.on("request", lambda request: self._request(request.url, server_url))

    def _request(self, url: str, server_url: str) -> None:
        if not url.startswith(server_url + "/") and not url.startswith("data:"):
            self.foreign.append(url)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type in ("error", "warning"):
            self.problems.append(f"{message.type}: {message.text}")

    def _route(self, route: Route, server_url: str) -> None:
        url = route.request.url
        self._request(url, server_url)
        if url.startswith(server_url + "/") or url.startswith("data:"):
            route.continue_()
        else:
            route.abort()

    def open(self, server_url: str, fragment: str = "") -> float:
        """Loads the map; the milliseconds from navigation to the first drawn map."""
        response = self.page.goto(f"{server_url}/{fragment}")
        assert response is not None
        assert response.status == 200
        assert response.headers["content-security-policy"] == CONTENT_SECURITY_POLICY
        self.page.locator("body[data-ready]").wait_for(timeout=20_000)
        first_render: float = self.page.evaluate(
            "performance.getEntriesByName('iom-map-rendered')[0].startTime"
        )
        return first_render

    def clean(self) -> None:
        assert self.problems == []
        assert self.foreign == []


def watched(
    browser: Browser,
    server_url: str,
    locale: str = "en-GB",
    intercept: bool = True,
    width: int = 1280,
) -> Watched:
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 860})
    return Watched(context.new_page(), server_url, intercept)


def attribute(page: Page, selector: str, name: str) -> str | None:
    return page.locator(selector).first.get_attribute(name)
