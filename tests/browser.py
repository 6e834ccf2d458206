"""A headless Chromium driven over the DevTools protocol, to check what a reader sees.

The protocol runs over a pair of pipes (`--remote-debugging-pipe`: commands on the
browser's fd 3, answers and events on its fd 4, each message JSON ended by a NUL byte),
so no port is opened and no package beyond the standard library is needed.

`python -m tests.browser PAGE PNG` takes the README's picture of a page the same way.
"""

from __future__ import annotations

import base64
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

# As root in a container: no sandbox, no GPU, and nothing the browser fetches by itself.
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
]
# A4 at the CSS 96 pixels to the inch.
A4_WIDTH, A4_HEIGHT = 794, 1123
WAIT = 60.0  # seconds for any one answer: a slow shared machine, not a timed assertion


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


class BrowserError(RuntimeError):
    pass


class Browser:
    """One headless browser with one page; `events` keeps every event the page sent."""

    def __init__(self, profile: Path) -> None:
        executable = chromium()
        if executable is None:
            raise BrowserError("chromium is not installed")
        to_browser_read, self._to_browser = os.pipe()
        self._from_browser, from_browser_write = os.pipe()

        def pipes_at_3_and_4() -> None:
            # Copied high first: either pipe may already sit on 3 or 4.
            read, write = os.dup(to_browser_read), os.dup(from_browser_write)
            os.dup2(read, 3)
            os.dup2(write, 4)

        self._process = subprocess.Popen(
            [
                executable,
                *FLAGS,
                f"--user-data-dir={profile}",
                "--remote-debugging-pipe",
                "about:blank",
            ],
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            pass_fds=(3, 4),
            preexec_fn=pipes_at_3_and_4,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict[str, Any]] = []
        self._session = ""
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self._session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.call(f"{domain}.enable")

    def close(self) -> None:
        try:
            self._session = ""
            self._send("Browser.close", {})
        except OSError:
            pass
        try:
            self._process.wait(timeout=WAIT)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        if self._process.stderr is not None:
            self._process.stderr.close()

    def __enter__(self) -> Browser:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _send(self, method: str, params: dict[str, Any]) -> int:
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self._session:
            message["sessionId"] = self._session
        os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        return self._next_id

    def _receive(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise BrowserError("chromium did not answer in time")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                stderr = (
                    self._process.stderr.read().decode(errors="replace")
                    if self._process.stderr
                    else ""
                )
                raise BrowserError(f"chromium ended: {stderr.strip()[-500:]}")
            self._buffer += chunk
        message, _, self._buffer = self._buffer.partition(b"\0")
        return dict(json.loads(message))

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        wanted = self._send(method, params)
        deadline = time.monotonic() + WAIT
        while True:
            message = self._receive(deadline)
            if message.get("id") == wanted:
                if "error" in message:
                    raise BrowserError(f"{method}: {message['error']}")
                return dict(message.get("result", {}))
            if "method" in message:
                self.events.append(message)

    def wait_for(self, event: str) -> dict[str, Any]:
        deadline = time.monotonic() + WAIT
        for seen in self.events:
            if seen["method"] == event:
                return seen
        while True:
            message = self._receive(deadline)
            if "method" in message:
                self.events.append(message)
                if message["method"] == event:
                    return message

    def open(self, page: Path, width: int = A4_WIDTH, height: int = A4_HEIGHT) -> None:
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=width,
            height=height,
            deviceScaleFactor=1,
            mobile=False,
        )
        self.events.clear()
        self.call("Page.navigate", url=page.resolve().as_uri())
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, returnByValue=True)
        if "exceptionDetails" in result:
            raise BrowserError(str(result["exceptionDetails"]))
        return result["result"].get("value")

    def errors(self) -> list[str]:
        """What the page reported as going wrong: console errors, uncaught exceptions and
        errors the browser logged about it (a resource that failed to load)."""
        found = []
        for event in self.events:
            method, params = event["method"], event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params.get("type") in ("error", "assert"):
                found.append(f"console: {params.get('args')}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"exception: {params.get('exceptionDetails')}")
            elif method == "Log.entryAdded" and params.get("entry", {}).get("level") == "error":
                found.append(f"log: {params['entry'].get('text')}")
        return found

    def requests(self) -> list[str]:
        """Every URL the page asked for other than itself and inline data."""
        return [
            event["params"]["request"]["url"]
            for event in self.events
            if event["method"] == "Network.requestWillBeSent"
            and not event["params"]["request"]["url"].startswith(("file:", "data:", "about:"))
        ]

    def pdf(self, width_inches: float, height_inches: float) -> bytes:
        result = self.call(
            "Page.printToPDF",
            paperWidth=width_inches,
            paperHeight=height_inches,
            printBackground=True,
            preferCSSPageSize=False,
        )
        return base64.b64decode(result["data"])

    def screenshot(self, height: int | None = None) -> bytes:
        """The whole page as a PNG, or its first `height` pixels."""
        if height is None:
            result = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True)
        else:
            clip = {"x": 0, "y": 0, "width": A4_WIDTH, "height": height, "scale": 1}
            result = self.call("Page.captureScreenshot", format="png", clip=clip)
        return base64.b64decode(result["data"])


def main(arguments: list[str]) -> None:
    """`python -m tests.browser PAGE PNG [HEIGHT]`: the page at A4 width as a PNG, the
    whole of it or its first HEIGHT pixels."""
    page, picture = Path(arguments[0]), Path(arguments[1])
    height = int(arguments[2]) if len(arguments) > 2 else None
    with tempfile.TemporaryDirectory() as profile, Browser(Path(profile)) as browser:
        browser.open(page, A4_WIDTH, A4_HEIGHT)
        picture.write_bytes(browser.screenshot(height))


if __name__ == "__main__":
    main(sys.argv[1:])
