"""A scripted HTTP server for tests of failures a real SPARQL server does not make on
demand: authentication challenges, retries, broken, slow and silent answers.

Each request takes the next reply of the script (the last one repeats). A reply is
``(status, headers, body)``; ``"drop"`` (close the connection without answering);
``"silent"`` (accept the request and never answer); ``Trickle(reply, interval)`` (send
the reply one byte every ``interval`` seconds); or a function of the request returning
a reply.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

Reply = tuple[int, dict, bytes]


@dataclass(frozen=True)
class Trickle:
    reply: Reply
    interval: float


def _response_bytes(reply: Reply) -> bytes:
    status, headers, payload = reply
    lines = [f"HTTP/1.1 {status} Scripted"]
    lines += [f"{name}: {value}" for name, value in headers.items()]
    if "Content-Length" not in headers:
        lines.append(f"Content-Length: {len(payload)}")
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + payload


class FakeServer:
    """An HTTP server answering from a script (see the module docstring)."""

    def __init__(self, replies: list) -> None:
        self.replies = list(replies)
        self.requests: list[dict] = []
        self.closing = threading.Event()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def handle_any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                request = {"method": self.command, "path": self.path,
                           "headers": dict(self.headers), "body": body}
                fake.requests.append(request)
                reply = fake.replies.pop(0) if len(fake.replies) > 1 else fake.replies[0]
                if callable(reply):
                    reply = reply(request)
                if reply == "drop":
                    self.close_connection = True
                    return
                if reply == "silent":
                    fake.closing.wait(120)
                    self.close_connection = True
                    return
                if isinstance(reply, Trickle):
                    self.close_connection = True
                    try:
                        for byte in _response_bytes(reply.reply):
                            if fake.closing.wait(reply.interval):
                                return
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                    except OSError:  # the client gave up
                        pass
                    return
                status, headers, payload = reply
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                if "Content-Length" not in headers:
                    self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = handle_any

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, args=(0.02,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()


ASK_TRUE = (200, {"Content-Type": "application/sparql-results+json"}, b'{"head":{},"boolean":true}')
OK = (204, {}, b"")


def count_reply(value: str, datatype: str = "http://www.w3.org/2001/XMLSchema#integer") -> Reply:
    """A SELECT answer with one row binding ``?n`` to the literal ``value``."""
    body = ('{"head":{"vars":["n"]},"results":{"bindings":[{"n":{"type":"literal",'
            f'"value":"{value}","datatype":"{datatype}"}}}}]}}}}')
    return 200, {"Content-Type": "application/sparql-results+json"}, body.encode()


def wait_for(condition, timeout: float = 30.0) -> bool:
    """Poll ``condition()`` until it is true or ``timeout`` seconds have passed."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if condition():
            return True
        time.sleep(0.02)
    return False


def proxy(target: str, rewrite=None):  # type: ignore[no-untyped-def]
    """A reply that forwards the request to the server at ``target`` and returns its
    answer, passed through ``rewrite(request, reply)`` when given."""
    import requests

    def reply(request: dict) -> Reply:
        headers = {k: v for k, v in request["headers"].items()
                   if k.lower() in ("accept", "content-type", "authorization")}
        answer = requests.request(request["method"], target + request["path"],
                                  headers=headers, data=request["body"], timeout=60)
        kept = {k: v for k, v in answer.headers.items() if k.lower() == "content-type"}
        result = (answer.status_code, kept, answer.content)
        return rewrite(request, result) if rewrite else result
    return reply


def sparql_text(request: dict) -> str:
    """The query or update a SPARQL request carries (GET parameter, form or body)."""
    from urllib.parse import parse_qs, urlsplit

    query = parse_qs(urlsplit(request["path"]).query).get("query")
    if query:
        return query[0]
    body = request["body"].decode("utf-8", "replace")
    if request["headers"].get("Content-Type", "").startswith("application/x-www-form"):
        return parse_qs(body).get("query", [""])[0]
    return body
