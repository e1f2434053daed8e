"""Links results' model names to Hugging Face hub ids ('Meta-Llama-3_1-8B' -> 'meta-llama/Llama-3.1-8B')."""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

_DIGIT_SEP = re.compile(r"(?<=\d)_(?=\d)")      # 3_1 -> 3.1 (a dot that did not survive a file name)
_SEPARATORS = re.compile(r"[\s_]+|-{2,}")
HF_SUFFIX = "-hf"   # a file name's mark of weights converted to the transformers format


def name_key(name: str) -> str:
    """A comparison key: NFKC, lower case, '_' between digits as '.', other '_'/spaces as '-'."""
    s = unicodedata.normalize("NFKC", name).strip().lower()
    s = _DIGIT_SEP.sub(".", s)
    return _SEPARATORS.sub("-", s).strip("-")


def hub_keys(hub_id: str) -> list[tuple[str, int]]:
    """(key, rank) a hub id answers to: its full id (0), its repo name (1), vendor + repo name (2).

    'meta-llama/Llama-3.1-8B' answers to 'meta-llama/llama-3.1-8b', 'llama-3.1-8b' and 'meta-llama-3.1-8b'
    (the first word of the organisation before the repo name, as in file names like Meta-Llama-3_1-8B).
    """
    keys = [(name_key(hub_id), 0)]
    if "/" in hub_id:
        org, repo = hub_id.split("/", 1)
        keys.append((name_key(repo), 1))
        vendor = name_key(org).split("-")[0]
        if vendor and not name_key(repo).startswith(vendor + "-"):
            keys.append((f"{vendor}-{name_key(repo)}", 2))
    return keys


@dataclass
class LinkReport:
    """Links found ({model_id: hub_id}), names with no candidate, names with several equally good ones."""
    links: dict[str, str] = field(default_factory=dict)
    unmatched: list[str] = field(default_factory=list)
    ambiguous: dict[str, list[str]] = field(default_factory=dict)


def match(models: list[tuple[str, str]], hub_ids: dict[str, bool]) -> LinkReport:
    """Match (model_id, display_name) pairs against {hub id: official provider}; never guesses between ties.

    A name with an organisation ('org/name') only matches that full hub id. A bare name takes the best-ranked
    key match; among several, the one official provider if there is exactly one; otherwise it is ambiguous. A bare
    name with no match that ends in '-hf' (weights converted to the transformers format, 'Mistral-7B-v0.2-hf') is
    looked up again without it.
    """
    index: dict[str, list[tuple[int, str]]] = {}
    for hid in hub_ids:
        for key, rank in hub_keys(hid):
            index.setdefault(key, []).append((rank, hid))
    report = LinkReport()
    for model_id, display in models:
        key = name_key(display)
        keys = [key] + ([key[: -len(HF_SUFFIX)]] if "/" not in display and key.endswith(HF_SUFFIX) else [])
        found = []
        for k in keys:
            found = found or [(r, h) for r, h in index.get(k, [])
                              if (r == 0 if "/" in display else r > 0 or "/" not in h)]
        if not found:
            report.unmatched.append(display)
            continue
        best = min(r for r, _ in found)
        cands = sorted({h for r, h in found if r == best})
        if len(cands) > 1:
            official = [h for h in cands if hub_ids[h]]
            cands = official if len(official) == 1 else cands
        if len(cands) == 1:
            report.links[model_id] = cands[0]
        else:
            report.ambiguous[display] = cands
    return report


def link_models(con) -> dict:
    """Set models.hub_id for unlinked results models that match a known hub id; the report as a dict."""
    from warehouse.releases import known_hub_ids, set_hub_ids, unlinked_models

    report = match(unlinked_models(con), known_hub_ids(con))
    n = set_hub_ids(con, report.links)
    return {"linked": n, "links": report.links, "unmatched": sorted(report.unmatched),
            "ambiguous": report.ambiguous}
