"""The published HTML report in a real headless Chromium (Debian's package): it loads with no console errors,
no failed resources and shows its tables and plots; a broken page makes the same check fail."""
from __future__ import annotations

import asyncio
import base64
import json
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--remote-debugging-port=0", "--remote-allow-origins=*"]
PAGE_STATE = """JSON.stringify({
  tables: document.querySelectorAll('table').length,
  rows: document.querySelectorAll('tbody tr').length,
  images: Array.from(document.images).map(i => ({src: i.getAttribute('src'), ok: i.complete && i.naturalWidth > 0})),
  headings: Array.from(document.querySelectorAll('h2, h3')).map(h => h.textContent),
  text: document.body.innerText.length,
  scrollWidth: document.documentElement.scrollWidth, scrollHeight: document.documentElement.scrollHeight,
  innerWidth: window.innerWidth,
  boxes: Array.from(document.querySelectorAll('img, table')).map(e => ({
    what: e.tagName.toLowerCase() + ' ' + (e.getAttribute('src') || e.closest('[id]')?.id || ''),
    right: e.getBoundingClientRect().right})),
  toc: Array.from(document.querySelectorAll('nav a')).map(a => ({href: a.getAttribute('href'),
    ok: a.getAttribute('href').startsWith('#') && !!document.getElementById(a.getAttribute('href').slice(1))})),
  recommendations: Array.from(document.querySelectorAll('[data-task]')).map(e => ({
    task: e.getAttribute('data-task'), text: e.textContent}))})"""

pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="chromium not installed (apt-get install -y chromium)")


async def _inspect(url: str, ws_url: str, timeout: float, width: int, screenshot: Path | None) -> dict:
    """Open URL in a new tab WIDTH css px wide over the DevTools protocol; collect console errors, exceptions and
    failed loads, the page's state and, when SCREENSHOT is given, a full-page PNG there."""
    import websockets

    errors: list[str] = []
    async with websockets.connect(ws_url, max_size=1 << 26) as ws:
        ids = iter(range(1, 1 << 30))

        async def call(method: str, params: dict | None = None, session: str | None = None) -> dict:
            mid = next(ids)
            msg = {"id": mid, "method": method, "params": params or {}}
            if session:
                msg["sessionId"] = session
            await ws.send(json.dumps(msg))
            while True:
                ev = json.loads(await ws.recv())
                if ev.get("id") == mid:
                    if "error" in ev:
                        raise RuntimeError(f"{method}: {ev['error']}")
                    return ev["result"]
                collect(ev)

        loaded = asyncio.Event()

        def collect(ev: dict) -> None:
            m, p = ev.get("method"), ev.get("params", {})
            if m == "Runtime.consoleAPICalled" and p.get("type") in ("error", "assert"):
                errors.append("console: " + " ".join(str(a.get("value", a.get("description"))) for a in p["args"]))
            elif m == "Runtime.exceptionThrown":
                errors.append("exception: " + p["exceptionDetails"].get("exception", {}).get("description", "")
                              + p["exceptionDetails"].get("text", ""))
            elif m == "Log.entryAdded" and p["entry"]["level"] == "error":
                errors.append(f"log: {p['entry']['text']} {p['entry'].get('url', '')}")
            elif m == "Network.loadingFailed":
                errors.append(f"network: {p.get('errorText')}")
            elif m == "Page.loadEventFired":
                loaded.set()

        target = (await call("Target.createTarget", {"url": "about:blank"}))["targetId"]
        session = (await call("Target.attachToTarget", {"targetId": target, "flatten": True}))["sessionId"]
        for domain in ("Runtime", "Log", "Page", "Network"):
            await call(f"{domain}.enable", session=session)
        await call("Emulation.setDeviceMetricsOverride", {"width": width, "height": 900, "deviceScaleFactor": 1,
                                                          "mobile": False}, session=session)
        await call("Page.navigate", {"url": url}, session=session)

        async def pump() -> None:
            while not loaded.is_set():
                collect(json.loads(await ws.recv()))
        await asyncio.wait_for(pump(), timeout)
        await asyncio.sleep(0.5)  # late console messages
        while True:
            try:
                collect(json.loads(await asyncio.wait_for(ws.recv(), 0.2)))
            except asyncio.TimeoutError:
                break
        state = await call("Runtime.evaluate", {"expression": PAGE_STATE, "returnByValue": True}, session=session)
        if screenshot is not None:
            size = (await call("Page.getLayoutMetrics", session=session))["cssContentSize"]
            shot = await call("Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": {
                "x": 0, "y": 0, "width": width, "height": size["height"], "scale": 1}}, session=session)
            screenshot.write_bytes(base64.b64decode(shot["data"]))
    return {"errors": errors, **json.loads(state["result"]["value"])}


def check_page(path: Path, timeout: float = 60.0, width: int = 1400, screenshot: Path | None = None) -> dict:
    """Load PATH in headless Chromium WIDTH px wide; {errors, tables, rows, images, headings, text, scrollWidth,
    scrollHeight, boxes (right edge of every img and table), toc (links, resolved?), recommendations}."""
    profile = tempfile.mkdtemp(prefix="taskspace-chromium-")
    proc = subprocess.Popen([CHROMIUM, *FLAGS, f"--user-data-dir={profile}", "about:blank"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
                            env={**os.environ, "HOME": profile})
    try:
        ws_url = None
        for line in proc.stderr:
            if m := re.search(r"DevTools listening on (ws://\S+)", line):
                ws_url = m.group(1)
                break
        assert ws_url, "chromium did not start its DevTools endpoint"
        return asyncio.run(_inspect(path.resolve().as_uri(), ws_url, timeout, width, screenshot))
    finally:
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(profile, ignore_errors=True)


def test_broken_page_is_caught(tmp_path):
    page = tmp_path / "broken.html"
    page.write_text("<!DOCTYPE html><html><head><meta charset='utf-8'><title>x</title></head><body>"
                    "<nav><a href='#here'>here</a> <a href='#gone'>gone</a></nav><h2 id='here'>here</h2>"
                    "<table style='width:2000px'><tbody><tr><td>1</td></tr></tbody></table>"
                    "<img src='plots/missing.png'>"
                    "<script>console.error('boom'); notDefined();</script></body></html>")
    got = check_page(page)
    joined = "\n".join(got["errors"])
    assert "boom" in joined and "notDefined" in joined
    assert any("ERR_FILE_NOT_FOUND" in e for e in got["errors"])
    assert got["images"] == [{"src": "plots/missing.png", "ok": False}]
    assert got["scrollWidth"] > 1400 and [b["what"] for b in got["boxes"] if b["right"] > 1400] == ["table "]
    assert got["toc"] == [{"href": "#here", "ok": True}, {"href": "#gone", "ok": False}]


def test_report_loads_without_errors_and_shows_tables(published):
    got = check_page(Path(published["out"]) / "report.html")
    assert got["errors"] == []
    assert got["tables"] >= 6 and got["rows"] >= 20
    assert got["images"] and all(i["ok"] for i in got["images"])
    assert {"Best models per task", "Quality vs cost frontier", "Routing on held-out prompts",
            "Model similarity"} <= set(got["headings"])


def png_size(path: Path) -> tuple[int, int]:
    """(width, height) from a PNG's IHDR chunk."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def test_report_at_1400px_fits_links_resolve_and_recommends(published, tmp_path):
    """At a 1,400 px wide viewport nothing is cut off horizontally, every contents link lands on a heading, and
    every task has its recommendation; a full-page screenshot is kept (TASKSPACE_TEST_ARTIFACTS: copied there)."""
    import pyarrow.parquet as pq

    shot = tmp_path / "report-1400.png"
    got = check_page(Path(published["out"]) / "report.html", width=1400, screenshot=shot)
    if os.environ.get("TASKSPACE_TEST_ARTIFACTS"):
        keep = Path(os.environ["TASKSPACE_TEST_ARTIFACTS"])
        keep.mkdir(parents=True, exist_ok=True)
        shutil.copy(shot, keep / shot.name)
        print(f"screenshot: {keep / shot.name}")
    print(f"screenshot: {shot} ({got['scrollWidth']} x {got['scrollHeight']} px)")
    assert got["errors"] == [] and got["innerWidth"] == 1400
    assert png_size(shot) == (1400, got["scrollHeight"])
    assert got["scrollWidth"] <= 1400
    assert [b for b in got["boxes"] if b["right"] > 1400] == [] and len(got["boxes"]) >= 15
    assert len(got["toc"]) >= 15 and all(link["ok"] for link in got["toc"]), got["toc"]
    by_task = pq.read_table(Path(published["out"]) / "tables" / "selection_by_task.parquet").to_pylist()
    first = {r["task"]: r["model_id"] for r in by_task if r["rank"] == 1}
    said = {r["task"]: r["text"] for r in got["recommendations"]}
    assert set(said) == set(first)
    assert all(said[t].startswith(f"{t}: use {m} (predicted ") and "held-out prompt" in said[t]
               for t, m in first.items())
