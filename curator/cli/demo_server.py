"""A small static server on 127.0.0.1 for the demo: the bundled samples (with
their placeholder host rewritten to this server) or the exported site."""

from __future__ import annotations

import functools
import io
import threading
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, BinaryIO

SAMPLE_HOST = "http://samples.invalid"


class _Handler(SimpleHTTPRequestHandler):
    """Serves files; feeds and pages get the placeholder host rewritten."""

    rewrite_to: str | None = None

    def log_message(self, format: str, *args: Any) -> None:  # the demo prints its own story
        return

    def send_head(self) -> BinaryIO | None:
        if self.rewrite_to is None:
            return super().send_head()
        path = Path(self.translate_path(self.path))
        if not path.is_file():
            self.send_error(404, "not a sample")
            return None
        body = path.read_bytes().replace(SAMPLE_HOST.encode(), self.rewrite_to.encode())
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)


def start(folder: Path, *, rewrite_samples: bool, port: int = 0) -> tuple[ThreadingHTTPServer, str]:
    """Serve `folder` on 127.0.0.1 in a daemon thread (on `port` if it is free, else on
    any free one); returns the server and its base URL."""

    class Handler(_Handler):
        """A class of its own per server, so each keeps its own rewrite target."""

    serve_folder = functools.partial(Handler, directory=str(folder))
    try:
        server = ThreadingHTTPServer(("127.0.0.1", port), serve_folder)
    except OSError:  # taken meanwhile: any port will do
        server = ThreadingHTTPServer(("127.0.0.1", 0), serve_folder)
    base = f"http://127.0.0.1:{server.server_address[1]}"
    if rewrite_samples:
        Handler.rewrite_to = base
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, base
