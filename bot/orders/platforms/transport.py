"""JSON over HTTP for a platform's Admin API: credentials, rate limits, retries, pagination.

- 429 Too Many Requests: wait the ``Retry-After`` seconds the platform asks for (Shopify
  sends it on every 429; https://shopify.dev/docs/api/usage/limits#rest-admin-api-rate-limits),
  then try again, up to ``max_retries`` times.
- Shopify's leaky bucket: every REST answer carries ``X-Shopify-Shop-Api-Call-Limit: used/size``;
  when the bucket is more than ``pace_above`` full, wait until it has leaked back under it (it
  leaks a twentieth of its size a second: 2 calls/s for the standard 40, 20 for Plus's 400),
  so a busy conversation never hits the 429.
- 502/503/504 and connection failures on reads are retried with backoff; writes are not
  (the change may have been made), and the error says so.
- Pagination: the ``Link`` header's ``rel="next"`` (Shopify's ``page_info`` cursors,
  https://shopify.dev/docs/api/usage/pagination-rest; WordPress sends it too, with
  ``X-WP-TotalPages``).

Errors: 404 → None; 401/403 → `OrderSystemError` naming the setting that holds the
credentials (never their value); 409/422 and the platforms' own "cannot do that" answers →
`ChangeRejected`; anything else → `OrderSystemError` with the method and URL.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import httpx

from bot.errors import ChangeRejected, OrderSystemError

log = logging.getLogger(__name__)
CALL_LIMIT = "X-Shopify-Shop-Api-Call-Limit"
_RETRY_READ = (502, 503, 504)


class PlatformAPI:
    """One platform's API at ``base_url`` (paths are relative to it)."""

    def __init__(
        self,
        platform: str,
        base_url: str,
        *,
        credentials_hint: str,
        headers: dict[str, str] | None = None,
        auth: httpx.Auth | tuple[str, str] | None = None,
        params: dict[str, str] | None = None,
        timeout_s: float = 10.0,
        max_retries: int = 4,
        max_wait_s: float = 30.0,
        pace_above: float = 0.8,
        sleep: Callable[[float], None] = time.sleep,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.platform = platform
        self.base_url = base_url.rstrip("/")
        self.credentials_hint = credentials_hint
        self.max_retries = max_retries
        self.max_wait_s = max_wait_s
        self.pace_above = pace_above
        self._sleep = sleep
        self._pace_lock = threading.Lock()
        self.waited_s = 0.0  # time spent waiting for the rate limit (for tests and logs)
        # Added to each request, not given to the client: with client-level parameters httpx
        # drops the query of an absolute URL, such as a Link header's next page.
        self._auth_params = dict(params or {})
        self._client = httpx.Client(
            base_url=self.base_url + "/",
            headers={"Accept": "application/json", **(headers or {})},
            auth=auth,
            timeout=timeout_s,
            transport=transport,
        )

    def close(self) -> None:
        self._client.close()

    # -- requests -------------------------------------------------------------------------
    def request(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, Any] | None = None,
        body: Any = None,
    ) -> httpx.Response | None:
        """The platform's answer (None for 404), after waits and retries."""
        url = path if path.startswith("http") else path.lstrip("/")
        shown = url if url.startswith("http") else f"{self.base_url}/{url}"
        if self._auth_params and url.startswith("http"):
            shown = str(httpx.URL(url).copy_remove_param("consumer_secret"))
            url = str(httpx.URL(url).copy_merge_params(self._auth_params))
        elif self._auth_params:
            params = {**(params or {}), **self._auth_params}
        attempt = 0
        while True:
            try:
                response = self._client.request(method, url, params=params, json=body)
            except httpx.HTTPError as exc:
                if method == "GET" and attempt < self.max_retries:
                    attempt += 1
                    self._wait(min(self.max_wait_s, 0.5 * 2**attempt), f"{type(exc).__name__}")
                    continue
                raise OrderSystemError(
                    f"Cannot reach the {self.platform} API at {shown}: {type(exc).__name__}: "
                    f"{exc}. Check the store's URL in the settings and that it is up."
                    + ("" if method == "GET" else " The change may or may not have been made.")
                ) from exc
            status = response.status_code
            if status != 429:  # a 429 says itself how long to wait
                self._pace(response)
            if status == 429 and attempt < self.max_retries:
                attempt += 1
                self._wait(self._retry_after(response, attempt), "429 Too Many Requests")
                continue
            if status in _RETRY_READ and method == "GET" and attempt < self.max_retries:
                attempt += 1
                self._wait(min(self.max_wait_s, 0.5 * 2**attempt), f"HTTP {status}")
                continue
            return self._checked(response, method, shown)

    def get(self, path: str, params: dict[str, Any] | None = None) -> Any:
        response = self.request("GET", path, params=params)
        return None if response is None else _json(response, self.platform)

    def send(self, method: str, path: str, body: Any) -> Any:
        response = self.request(method, path, body=body)
        return None if response is None else _json(response, self.platform)

    def pages(self, path: str, params: dict[str, Any], key: str | None) -> Iterator[Any]:
        """Every item of a paginated list, following the ``Link: rel="next"`` header."""
        response = self.request("GET", path, params=params)
        seen: set[str] = set()
        while response is not None:
            data = _json(response, self.platform)
            yield from (data.get(key, []) if key else data) or []
            following = response.links.get("next", {}).get("url")
            if not following or following in seen:  # a store that links a page to itself
                return
            seen.add(following)
            # The next link carries every parameter it needs (Shopify refuses others).
            response = self.request("GET", following)

    # -- rate limits ----------------------------------------------------------------------
    def _retry_after(self, response: httpx.Response, attempt: int) -> float:
        try:
            seconds = float(response.headers.get("Retry-After", ""))
        except ValueError:
            seconds = 2.0**attempt
        return min(self.max_wait_s, max(0.0, seconds))

    def _pace(self, response: httpx.Response) -> None:
        """Keep Shopify's bucket under ``pace_above`` full (a no-op without the header)."""
        header = response.headers.get(CALL_LIMIT)
        if not header or "/" not in header:
            return
        try:
            used, size = (float(part) for part in header.split("/", 1))
        except ValueError:
            return
        excess = used - self.pace_above * size
        if excess > 0 and size > 0:
            with self._pace_lock:
                self._wait(excess / (size / 20.0), f"call limit {header}")

    def _wait(self, seconds: float, why: str) -> None:
        log.info("%s API: waiting %.1f s (%s)", self.platform, seconds, why)
        self.waited_s += seconds
        self._sleep(seconds)

    # -- errors ---------------------------------------------------------------------------
    def _checked(self, response: httpx.Response, method: str, shown: str) -> httpx.Response | None:
        status = response.status_code
        if status == 404:
            return None
        if status in (401, 403):
            raise OrderSystemError(
                f"The {self.platform} API refused our credentials ({status}) at {method} {shown}: "
                f"check {self.credentials_hint}."
            )
        if status in (409, 422):
            raise ChangeRejected(
                reason(response) or f"The {self.platform} store refused the change."
            )
        if status == 429:
            raise OrderSystemError(
                f"The {self.platform} API kept answering 429 Too Many Requests at {method} "
                f"{shown} after {self.max_retries} waits; try again later."
            )
        if status >= 400:
            why = reason(response)
            raise OrderSystemError(
                f"The {self.platform} API failed at {method} {shown}: HTTP {status}"
                + (f" ({why})" if why else "")
            )
        return response


def reason(response: httpx.Response) -> str:
    """The platform's own words for a refusal: Shopify's ``errors``, WooCommerce's ``message``."""
    try:
        data = response.json()
    except ValueError:
        return response.text[:300]
    if isinstance(data, dict):
        for key in ("message", "errors", "error", "detail"):
            value = data.get(key)
            if isinstance(value, str):
                return value
            if isinstance(value, dict):
                return "; ".join(f"{k}: {_words(v)}" for k, v in value.items())
            if isinstance(value, list):
                return "; ".join(_words(v) for v in value)
    return ""


def _words(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return str(value.get("message") or value)
    return str(value)


def _json(response: httpx.Response, platform: str) -> Any:
    try:
        return response.json()
    except ValueError as exc:
        raise OrderSystemError(
            f"The {platform} API answered {response.request.method} {response.request.url} with "
            f"something that is not JSON (HTTP {response.status_code})."
        ) from exc
