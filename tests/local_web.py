"""Local web hosts for `check-links` tests: an HTTPS server on 127.0.0.1 that answers each
way a page can (200, redirects, 404, 410, 500, slow, loops, refusing HEAD) and counts what
it is asked; a host that accepts and never answers; a proxy that refuses the whole web."""

from __future__ import annotations

import socket
import ssl
import threading
import time
from collections import Counter
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

import trustme

SLOW = 3.0  # seconds the slow page takes; the tests wait 1 s for an answer
ROUTES = {  # path → status, Location
    "/ok": (200, None),
    "/old": (301, "/ok"),
    "/temp": (302, "/ok"),
    "/missing": (404, None),
    "/gone": (410, None),
    "/broken": (500, None),
    "/slow": (200, None),
    "/loop-a": (302, "/loop-b"),
    "/loop-b": (307, "/loop-a"),
    "/no-head": (200, None),
    "/ガイド": (200, None),
}


class Routes(BaseHTTPRequestHandler):
    server: TlsServer

    def do_HEAD(self) -> None:
        self._answer()

    def do_GET(self) -> None:
        self._answer()

    def _answer(self) -> None:
        self.server.seen[(self.command, self.path)] += 1
        path = unquote(urlsplit(self.path).path)
        if path == "/no-head" and self.command == "HEAD":
            status, location = 405, None  # a server that refuses HEAD
        else:
            status, location = ROUTES.get(path, (404, None))
        if path == "/slow":
            time.sleep(SLOW)
        self.send_response(status)
        if location:
            self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass


class TlsServer(ThreadingHTTPServer):
    """HTTPS on 127.0.0.1 with the certificate given; counts every request by method and
    path. The TLS handshake happens in the request's thread."""

    daemon_threads = True

    def __init__(self, cert: trustme.LeafCert) -> None:
        super().__init__(("127.0.0.1", 0), Routes)
        self.context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        cert.configure_cert(self.context)
        self.seen: Counter[tuple[str, str]] = Counter()
        threading.Thread(target=self.serve_forever, daemon=True).start()

    @property
    def base(self) -> str:
        return f"https://127.0.0.1:{self.server_port}"

    def finish_request(self, request, client_address) -> None:  # type: ignore[override]
        try:
            with self.context.wrap_socket(request, server_side=True) as tls:
                super().finish_request(tls, client_address)
        except OSError:
            pass  # a client that refused the certificate, or gave up on the slow page

    def stop(self) -> None:
        self.shutdown()
        self.server_close()


class Silent:
    """A host that accepts connections and never says a word."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.accepted: list[socket.socket] = []
        self.base = f"https://127.0.0.1:{self.socket.getsockname()[1]}"
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                self.accepted.append(self.socket.accept()[0])
            except OSError:
                return

    def stop(self) -> None:
        self.socket.close()
        for conn in self.accepted:
            conn.close()


class Proxy:
    """An HTTP proxy that writes down where each client wanted to go, and refuses (502):
    the whole web as a machine behind a broken proxy sees it."""

    def __init__(self) -> None:
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.asked: list[str] = []
        self.url = f"http://127.0.0.1:{self.socket.getsockname()[1]}"
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        while True:
            try:
                conn = self.socket.accept()[0]
            except OSError:
                return
            with conn:
                self.asked.append(conn.recv(4096).decode("latin-1").split("\r\n")[0])
                conn.sendall(b"HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\n\r\n")

    def stop(self) -> None:
        self.socket.close()
