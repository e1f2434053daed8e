"""GitHub contents-API listings: the files of a repository folder, with their git blob shas, and downloads."""
from __future__ import annotations

import hashlib
import json
import os
import re
import urllib.parse
from dataclasses import dataclass

from tasks.sources.base import InputError
from tasks.sources.http import FetchError, fetch, same_origin
from tasks.sources.redact import public_url

DEFAULT_API = "https://api.github.com"
WEB_HOSTS = ("github.com", "www.github.com")
_API_PATH = re.compile(r"^(?P<prefix>.*?)/repos/(?P<owner>[^/]+)/(?P<repo>[^/]+)/contents(?:/(?P<path>.*))?$")


@dataclass(frozen=True)
class RepoPath:
    """A folder of a repository at a ref, and the contents API that lists it."""
    owner: str
    repo: str
    path: str
    ref: str | None
    api: str

    def contents_url(self, path: str | None = None) -> str:
        """GET {api}/repos/{owner}/{repo}/contents/{path}[?ref=]."""
        p = urllib.parse.quote((self.path if path is None else path).strip("/"))
        url = f"{self.api}/repos/{self.owner}/{self.repo}/contents/{p}".rstrip("/")
        return url + (f"?ref={urllib.parse.quote(self.ref)}" if self.ref else "")


@dataclass(frozen=True)
class RemoteFile:
    """One file of a listing: name, repository path, git blob sha, size and where to download it."""
    name: str
    path: str
    sha: str
    size: int
    download_url: str


def api_base() -> str:
    """The contents API root: $TASKSPACE_GITHUB_API or https://api.github.com."""
    return os.environ.get("TASKSPACE_GITHUB_API", DEFAULT_API).rstrip("/")


def parse_repo_url(url: str, default_path: str = "") -> RepoPath | None:
    """The folder a github.com repository/tree URL or a contents-API URL names; None for any other URL."""
    u = urllib.parse.urlsplit(url)
    parts = [p for p in u.path.split("/") if p]
    if u.hostname in WEB_HOSTS and len(parts) >= 2:
        owner, repo = parts[0], parts[1].removesuffix(".git")
        if len(parts) >= 4 and parts[2] == "tree":
            return RepoPath(owner, repo, "/".join(parts[4:]) or default_path, parts[3], api_base())
        if len(parts) == 2:
            return RepoPath(owner, repo, default_path, None, api_base())
        return None
    m = _API_PATH.match(u.path)
    if not m:
        return None
    ref = urllib.parse.parse_qs(u.query).get("ref", [None])[0]
    api = f"{u.scheme}://{u.netloc}{m.group('prefix')}"
    return RepoPath(m.group("owner"), m.group("repo"), urllib.parse.unquote(m.group("path") or ""), ref, api)


def git_blob_sha(data: bytes) -> str:
    """The sha git (and the contents API) reports for a file with these bytes."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _headers(url: str, api: str) -> dict[str, str]:
    """API headers; a token ($GITHUB_TOKEN / $TASKSPACE_GITHUB_TOKEN) only for the API's own origin."""
    h = {"Accept": "application/vnd.github+json", "X-GitHub-Api-Version": "2022-11-28"}
    token = os.environ.get("TASKSPACE_GITHUB_TOKEN") or os.environ.get("GITHUB_TOKEN")
    if token and same_origin(url, api + "/"):
        h["Authorization"] = f"Bearer {token}"
    return h


def parse_listing(body: bytes, url: str) -> list[dict]:
    """The entries of a contents-API answer (a folder's list, or one file's object); InputError naming the URL."""
    try:
        data = json.loads(body)
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise InputError(f"{url}: contents listing is not JSON ({exc})") from exc
    data = [data] if isinstance(data, dict) else data
    if not isinstance(data, list):
        raise InputError(f"{url}: expected a JSON list of entries, got {type(data).__name__}")
    for i, e in enumerate(data):
        if not isinstance(e, dict) or not all(isinstance(e.get(k), str) for k in ("name", "path", "type")):
            raise InputError(f"{url}: entry {i} lacks name/path/type: {str(e)[:200]}")
        if e["type"] == "file" and not (isinstance(e.get("sha"), str) and e.get("download_url")):
            raise InputError(f"{url}: file entry {e['path']} has no sha or download_url")
    return data


def list_files(rp: RepoPath, *, depth: int = 3) -> list[RemoteFile]:
    """Every file under the folder (sub-folders down to `depth` levels), sorted by path."""
    out: list[RemoteFile] = []

    def walk(path: str, level: int) -> None:
        url = rp.contents_url(path)
        for e in parse_listing(fetch(url, headers=_headers(url, rp.api))[0], url):
            if e["type"] == "file":
                out.append(RemoteFile(e["name"], e["path"], e["sha"], int(e.get("size") or 0), e["download_url"]))
            elif e["type"] == "dir" and level < depth:
                walk(e["path"], level + 1)
    walk(rp.path, 0)
    return sorted(out, key=lambda f: f.path)


def download(f: RemoteFile) -> bytes:
    """The file's bytes, checked against its git blob sha (one more try on a mismatch, then FetchError)."""
    for _ in range(2):
        data = fetch(f.download_url)[0]
        if git_blob_sha(data) == f.sha:
            return data
    raise FetchError(f"GET {public_url(f.download_url)} failed: {len(data)} bytes do not match git blob sha "
                     f"{f.sha} (truncated or changed while listing)", url=public_url(f.download_url), retryable=True)
