"""Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe):
no WebSocket library and no browser download, only the distribution's Chromium.

Chromium reads commands from fd 3 and writes answers and events to fd 4, each message
JSON ending in a NUL byte. One `Chromium` per test module; a `Tab` per page load.
"""

from __future__ import annotations

import base64
import contextlib
import itertools
import json
import os
import queue
import subprocess
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TIMEOUT = 30.0


class Chromium:
    def __init__(self, executable: str, profile: Path) -> None:
        ours_read, theirs_write = os.pipe()
        theirs_read, ours_write = os.pipe()
        # Out of the way of 3 and 4, so that the child's dup2 cannot clobber one with the other.
        theirs = (os.dup2(theirs_read, 100), os.dup2(theirs_write, 101))
        os.close(theirs_read), os.close(theirs_write)

        def pipes_on_3_and_4() -> None:
            os.dup2(theirs[0], 3)
            os.dup2(theirs[1], 4)

        self.process = subprocess.Popen(
            [executable, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
             "--remote-debugging-pipe", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--hide-scrollbars",
             "--disable-extensions", f"--user-data-dir={profile}", "about:blank"],
            pass_fds=(3, 4), preexec_fn=pipes_on_3_and_4,
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for fd in theirs:
            os.close(fd)
        self._out = os.fdopen(ours_write, "wb", buffering=0)
        self._in = os.fdopen(ours_read, "rb", buffering=0)
        self._ids = itertools.count(1)
        self._answers: dict[int, queue.Queue[dict[str, Any]]] = {}
        self.events: queue.Queue[dict[str, Any]] = queue.Queue()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def send(
        self, method: str, params: dict[str, Any] | None = None, session: str | None = None
    ) -> dict[str, Any]:
        number = next(self._ids)
        answer: queue.Queue[dict[str, Any]] = queue.Queue()
        self._answers[number] = answer
        message: dict[str, Any] = {"id": number, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = session
        self._out.write(json.dumps(message).encode() + b"\0")
        reply = answer.get(timeout=TIMEOUT)
        if "error" in reply:
            raise RuntimeError(f"{method}: {reply['error']}")
        return reply["result"]

    def open_tab(self, width: int, height: int) -> Tab:
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})[
            "sessionId"
        ]
        tab = Tab(self, session, target)
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable", session=session)
        self.send("Emulation.setDeviceMetricsOverride", {"width": width, "height": height,
                  "deviceScaleFactor": 1, "mobile": width < 600}, session)  # fmt: skip
        return tab

    def close(self) -> None:
        with contextlib.suppress(RuntimeError, OSError, queue.Empty):
            self.send("Browser.close")
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self._out.close()
        self._reader.join(timeout=5)
        self._in.close()

    def _read(self) -> None:
        buffer = b""
        while chunk := self._in.read(65536):
            buffer += chunk
            *messages, buffer = buffer.split(b"\0")
            for raw in messages:
                message = json.loads(raw)
                if "id" in message and message["id"] in self._answers:
                    self._answers.pop(message["id"]).put(message)
                else:
                    self.events.put(message)


@dataclass
class Tab:
    browser: Chromium
    session: str
    target: str
    errors: list[str] = field(default_factory=list)  # console errors, exceptions, CSP
    failed: list[str] = field(default_factory=list)  # requests that failed or got >= 400

    def load(self, url: str, settle: float = 0.2) -> None:
        """Navigate and wait for the load event, then until the network is quiet."""
        self.browser.send("Page.navigate", {"url": url}, self.session)
        deadline, loaded, quiet_since = time.monotonic() + TIMEOUT, False, None
        pending: set[str] = set()
        while time.monotonic() < deadline:
            try:
                event = self.browser.events.get(timeout=0.05)
            except queue.Empty:
                event = None
            if event and event.get("sessionId") == self.session:
                loaded = self._note(event, pending) or loaded
            if loaded and not pending:
                quiet_since = quiet_since or time.monotonic()
                if time.monotonic() - quiet_since >= settle:
                    return
            else:
                quiet_since = None
        raise TimeoutError(f"{url} did not settle in {TIMEOUT}s")

    def evaluate(self, expression: str) -> Any:
        asked = {"expression": expression, "returnByValue": True, "awaitPromise": True}
        result = self.browser.send("Runtime.evaluate", asked, self.session)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression[:60]}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path) -> None:
        shot = self.browser.send("Page.captureScreenshot", {"format": "png",
                                 "captureBeyondViewport": True}, self.session)  # fmt: skip
        path.write_bytes(base64.b64decode(shot["data"]))

    def close(self) -> None:
        self.browser.send("Target.closeTarget", {"targetId": self.target})

    def _note(self, event: dict[str, Any], pending: set[str]) -> bool:
        method, params = event["method"], event.get("params", {})
        if method == "Network.requestWillBeSent":
            pending.add(params["requestId"])
        elif method in ("Network.loadingFinished", "Network.loadingFailed"):
            pending.discard(params["requestId"])
            if method == "Network.loadingFailed" and not params.get("canceled"):
                self.failed.append(f"{params.get('type')}: {params.get('errorText')}")
        elif method == "Network.responseReceived" and params["response"]["status"] >= 400:
            self.failed.append(f"{params['response']['status']} {params['response']['url']}")
        elif method == "Runtime.exceptionThrown":
            self.errors.append(json.dumps(params["exceptionDetails"])[:500])
        elif method == "Runtime.consoleAPICalled" and params["type"] in ("error", "assert"):
            self.errors.append(json.dumps(params["args"])[:500])
        elif method == "Log.entryAdded" and params["entry"]["level"] == "error":
            self.errors.append(f"{params['entry'].get('url')}: {params['entry']['text']}")
        return method == "Page.loadEventFired"
