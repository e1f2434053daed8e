"""Hugging Face Hub dataset repositories via huggingface_hub: *-details listings, file trees with etags, downloads."""
from __future__ import annotations

import contextlib
import hashlib
import urllib.parse
from dataclasses import dataclass

from tasks.sources.github import git_blob_sha
from tasks.sources.http import FetchError, fetch
from tasks.sources.hub_api import auth_headers, hub_url
from tasks.sources.redact import public_url, redact_text

DETAILS_SUFFIX = "-details"
REVISION = "main"
FETCH_KW: dict = {}   # extra fetch() settings for file downloads (tests shorten the backoff)


@dataclass(frozen=True)
class HubSource:
    """Where to look: the Hub endpoint, the owner of the datasets, and one repository or None for all *-details."""
    endpoint: str
    author: str
    repo: str | None = None


@dataclass(frozen=True)
class HubFile:
    """One file of a dataset repository: its path, size, etag (git blob sha, or sha256 for LFS) and URL."""
    repo_id: str
    path: str
    size: int
    etag: str
    lfs: bool
    url: str


def parse_source(source: str) -> HubSource | None:
    """hub://AUTHOR[/REPO] (on $TASKSPACE_HUB_URL) or http(s)://HOST[/PREFIX]/datasets/AUTHOR[/REPO]; else None."""
    if source.startswith("hub://"):
        parts = [p for p in source[len("hub://"):].split("/") if p]
        endpoint = hub_url()
    elif source.startswith(("http://", "https://")):
        u = urllib.parse.urlsplit(source)
        path = [p for p in u.path.split("/") if p]
        if "datasets" not in path:
            return None
        i = path.index("datasets")
        endpoint = f"{u.scheme}://{u.netloc}" + "".join(f"/{p}" for p in path[:i])
        parts = path[i + 1:]
    else:
        return None
    if not parts or len(parts) > 2:
        raise ValueError(f"{source}: expected AUTHOR or AUTHOR/REPO after the Hub location")
    return HubSource(endpoint.rstrip("/"), parts[0], f"{parts[0]}/{parts[1]}" if len(parts) == 2 else None)


def hub_client(endpoint: str, token: str | None):
    """An HfApi on ENDPOINT with TOKEN, or with no token at all (never one from the local HF cache)."""
    from huggingface_hub import HfApi  # heavy import, only for live sources
    return HfApi(endpoint=endpoint, token=token or False, library_name="taskspace")


@contextlib.contextmanager
def hub_errors(what: str):
    """Turn huggingface_hub / transport errors into FetchError naming WHAT and the status (no token, URLs redacted)."""
    import httpx2
    from huggingface_hub.errors import HfHubHTTPError, OfflineModeIsEnabled
    try:
        yield
    except HfHubHTTPError as exc:
        status = getattr(exc.response, "status_code", None)
        hint = " (gated or private: accept the dataset's terms on the Hub and set HF_TOKEN)" \
            if status in (401, 403) else ""
        raise FetchError(f"{what} failed: HTTP {status}: {redact_text(str(exc).splitlines()[0])}{hint}", url=what,
                         status=status, retryable=status == 429 or (status or 0) >= 500) from None
    except OfflineModeIsEnabled as exc:
        raise FetchError(f"{what} failed: {exc}", url=what) from None
    except (httpx2.HTTPError, OSError) as exc:
        raise FetchError(f"{what} failed: {type(exc).__name__}: {redact_text(str(exc))}", url=what,
                         retryable=True) from None


def details_repos(api, hs: HubSource) -> list[tuple[str, str | None]]:
    """(dataset id, its listed commit sha or None) to read: HS's one repository (sha unknown), or every
    AUTHOR/*-details dataset the Hub lists, sorted."""
    if hs.repo:
        return [(hs.repo, None)]
    with hub_errors(f"GET {hs.endpoint}/api/datasets?author={hs.author}"):
        found = [(d.id, getattr(d, "sha", None))   # the Hub lists a dataset's sha only when asked (expand)
                 for d in api.list_datasets(author=hs.author, search=DETAILS_SUFFIX, expand=["sha"])]
    return sorted((i, sha) for i, sha in found if i.startswith(hs.author + "/") and i.endswith(DETAILS_SUFFIX))


def repo_url(endpoint: str, repo_id: str) -> str:
    """The public URL of a dataset repository (the key of its recorded revision)."""
    return public_url(f"{endpoint}/datasets/{repo_id}")


def repo_files(api, endpoint: str, repo_id: str) -> list[HubFile]:
    """Every file of the repository at REVISION with its etag, sorted by path (folders are walked)."""
    from huggingface_hub import RepoFile, hf_hub_url
    with hub_errors(f"GET {endpoint}/api/datasets/{repo_id}/tree/{REVISION}"):
        tree = list(api.list_repo_tree(repo_id, repo_type="dataset", recursive=True, revision=REVISION))
    out = []
    for f in (f for f in tree if isinstance(f, RepoFile)):
        etag = f.lfs.sha256 if f.lfs else f.blob_id
        url = hf_hub_url(repo_id, f.path, repo_type="dataset", revision=REVISION, endpoint=endpoint)
        out.append(HubFile(repo_id, f.path, int(f.size or 0), etag, f.lfs is not None, url))
    return sorted(out, key=lambda f: f.path)


def _matches(f: HubFile, data: bytes) -> bool:
    return (hashlib.sha256(data).hexdigest() if f.lfs else git_blob_sha(data)) == f.etag


def download(f: HubFile, token: str | None, endpoint: str) -> bytes:
    """The file's bytes (retries as every live source), checked against its listed etag; FetchError naming it."""
    for _ in range(2):
        data = fetch(f.url, headers=auth_headers(f.url, token, endpoint), **FETCH_KW)[0]
        if _matches(f, data):
            return data
    kind = "sha256" if f.lfs else "git blob sha"
    raise FetchError(f"GET {public_url(f.url)} failed: {len(data)} bytes do not match the listed {kind} {f.etag} "
                     f"(truncated or changed while listing)", url=public_url(f.url), retryable=True)
