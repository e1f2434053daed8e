"""A real HTTP server on 127.0.0.1 for tests: Hub listings and GitHub folders laid out like the real APIs,
static files, scripted faults (status codes, truncated bodies, stalls, redirects) and a request log."""
from __future__ import annotations

import base64
import hashlib
import json
import threading
import urllib.parse
from collections import defaultdict, deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

NOT_FOUND = {"message": "Not Found", "documentation_url": "https://docs.github.com/rest", "status": "404"}


@dataclass
class Seen:
    """One request the server answered: path, query (lists of values) and headers."""
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]


def git_blob_sha(data: bytes) -> str:
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


class Loopback:
    """Routes by path; `with Loopback() as srv:` serves on srv.url until the block ends."""

    def __init__(self):
        self.files: dict[str, tuple[bytes | Path, str]] = {}
        self.listings: dict[str, list[dict]] = {}
        self.next_base: dict[str, str] = {}
        self.folders: dict[str, dict[str, tuple[str, bytes | Path]]] = {}
        self.faults: dict[str, deque] = defaultdict(deque)
        self.requests: list[Seen] = []
        self.stop_event = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.loopback = self
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def __enter__(self) -> "Loopback":
        threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
        return self

    def __exit__(self, *exc) -> None:
        self.stop_event.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    # --- content -------------------------------------------------------------------------------------------
    def add_file(self, path: str, data: bytes | Path, content_type: str = "application/octet-stream") -> str:
        self.files[path] = (data, content_type)
        return self.url + path

    def add_hub_listing(self, models: list[dict], path: str = "/api/models", next_base: str | None = None) -> str:
        """GET path?limit=N[&cursor=C]: models in the given (newest-first) order, a Link rel=next per page
        (pointing at next_base instead of this server when given)."""
        self.listings[path] = list(models)
        self.next_base[path] = next_base or self.url
        return self.url + path

    def add_github_file(self, owner: str, repo: str, path: str, data: bytes | Path, ref: str = "main") -> None:
        """A file in a repository: listed by /repos/{owner}/{repo}/contents/{folder}, served at /raw/..."""
        folder, name = path.rsplit("/", 1) if "/" in path else ("", path)
        self.folders.setdefault(f"/repos/{owner}/{repo}/contents/{folder}".rstrip("/"), {})[name] = (ref, data)

    # --- faults and log ------------------------------------------------------------------------------------
    def fail(self, path: str, status: int, times: int = 1, headers: dict | None = None, after: int = 0) -> None:
        """Answer the next `times` requests for path with `status` (after letting `after` requests pass)."""
        self.faults[path].extend([("pass", None, {})] * after + [("status", status, headers or {})] * times)

    def truncate(self, path: str, times: int = 1) -> None:
        self.faults[path].extend([("truncate", None, {})] * times)

    def stall(self, path: str, seconds: float, times: int = 1) -> None:
        self.faults[path].extend([("stall", seconds, {})] * times)

    def redirect(self, path: str, to: str) -> None:
        self.faults[path].append(("redirect", to, {}))

    def hits(self, path: str) -> int:
        return sum(1 for r in self.requests if r.path == path)


def _bytes(data: bytes | Path) -> bytes:
    return data.read_bytes() if isinstance(data, Path) else data


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args) -> None:  # keep test output clean
        pass

    def do_GET(self) -> None:  # noqa: N802
        lb: Loopback = self.server.loopback
        u = urllib.parse.urlsplit(self.path)
        path, query = urllib.parse.unquote(u.path), urllib.parse.parse_qs(u.query, keep_blank_values=True)
        lb.requests.append(Seen(path, query, dict(self.headers.items())))
        if lb.faults[path]:
            kind, arg, headers = lb.faults[path].popleft()
            if kind == "status":
                return self._send(arg, json.dumps({"error": f"HTTP {arg}"}).encode(), "application/json", headers)
            if kind == "redirect":
                return self._send(302, b"", "text/plain", {"Location": arg})
            if kind == "stall":
                lb.stop_event.wait(arg)
            if kind == "truncate":
                body, ctype, _ = self._route(lb, path, query)
                self.send_response(200)
                self.send_header("Content-Type", ctype)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body[: len(body) // 2])
                self.close_connection = True
                return
        body, ctype, headers = self._route(lb, path, query)
        self._send(200 if body is not None else 404, body if body is not None else json.dumps(NOT_FOUND).encode(),
                   ctype, headers)

    def _route(self, lb: Loopback, path: str, query: dict) -> tuple[bytes | None, str, dict]:
        if path in lb.files:
            data, ctype = lb.files[path]
            return _bytes(data), ctype, {}
        if path in lb.listings:
            return self._hub_page(lb, path, query)
        if path in lb.folders:
            return self._contents(lb, path), "application/json; charset=utf-8", {}
        if path.startswith("/raw/"):
            owner, repo, ref, rest = path[len("/raw/"):].split("/", 3)
            folder, name = rest.rsplit("/", 1) if "/" in rest else ("", rest)
            entry = lb.folders.get(f"/repos/{owner}/{repo}/contents/{folder}".rstrip("/"), {}).get(name)
            if entry and entry[0] == ref:
                return _bytes(entry[1]), "application/octet-stream", {}
        return None, "application/json", {}

    def _hub_page(self, lb: Loopback, path: str, query: dict) -> tuple[bytes, str, dict]:
        models, limit = lb.listings[path], int(query.get("limit", ["1000"])[0])
        cursor = query.get("cursor", [None])[0]
        skip = json.loads(base64.urlsafe_b64decode(cursor))["$skip"] if cursor else 0
        headers = {}
        if skip + limit < len(models):
            nxt = {k: v for k, v in query.items() if k != "cursor"}
            token = base64.urlsafe_b64encode(json.dumps({"$skip": skip + limit}).encode()).decode()
            nxt["cursor"] = [token]
            headers["Link"] = f'<{lb.next_base[path]}{path}?{urllib.parse.urlencode(nxt, doseq=True)}>; rel="next"'
        return json.dumps(models[skip:skip + limit]).encode(), "application/json; charset=utf-8", headers

    def _contents(self, lb: Loopback, path: str) -> bytes:
        owner, repo, _, *parts = path[len("/repos/"):].split("/")
        folder = "/".join(parts)
        out = [{"name": sub.rsplit("/", 1)[-1], "path": sub.split("/contents/", 1)[1], "sha": "0" * 40, "size": 0,
                "type": "dir", "download_url": None} for sub in sorted(lb.folders)
               if sub.startswith(path + "/") and "/" not in sub[len(path) + 1:]]
        for name, (ref, data) in sorted(lb.folders[path].items()):
            blob, rel = _bytes(data), f"{folder}/{name}".strip("/")
            q = urllib.parse.quote(rel)   # GitHub percent-encodes the path in its URLs (a space is %20)
            api = f"{lb.url}/repos/{owner}/{repo}/contents/{q}?ref={ref}"
            out.append({"name": name, "path": rel, "sha": git_blob_sha(blob), "size": len(blob), "url": api,
                        "html_url": f"https://github.com/{owner}/{repo}/blob/{ref}/{q}",
                        "git_url": f"{lb.url}/repos/{owner}/{repo}/git/blobs/{git_blob_sha(blob)}",
                        "download_url": f"{lb.url}/raw/{owner}/{repo}/{ref}/{q}", "type": "file",
                        "_links": {"self": api, "git": f"{lb.url}/repos/{owner}/{repo}/git/blobs/{git_blob_sha(blob)}",
                                   "html": f"https://github.com/{owner}/{repo}/blob/{ref}/{q}"}})
        return json.dumps(out).encode()

    def _send(self, status: int, body: bytes, ctype: str, headers: dict) -> None:
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        for k, v in headers.items():
            self.send_header(k, v)
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):   # a client that stops reading at its size cap hangs up
            pass
