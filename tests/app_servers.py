"""``streamlit run app.py`` servers for browser tests that need their own store (a directory or a PostGIS URL),
and small Playwright helpers for Streamlit widgets."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
WAIT_MS = 180_000  # generous: CI has 2 cores; nothing asserts on time


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def app_server(env: dict, log: Path, port: int | None = None, args: tuple = ()):
    """A running app with ``env`` added to the environment (and ``args`` to ``streamlit run``); yields its base
    URL, stops it afterwards."""
    port = port or free_port()
    streamlit = Path(sys.executable).with_name("streamlit")
    command = [str(streamlit), "run", "app.py", "--server.port", str(port), "--server.headless", "true",
               "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false", *args]
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=REPO, stdout=output, stderr=subprocess.STDOUT,
                                   env={**os.environ, **env})
        base = f"http://127.0.0.1:{port}"
        try:
            for _ in range(900):  # bounds a hung start only
                if process.poll() is not None:
                    raise RuntimeError(f"streamlit exited with {process.returncode}; see {log}")
                try:
                    urllib.request.urlopen(f"{base}/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            yield base
        finally:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)


def wait_idle(page, timeout: int = WAIT_MS) -> None:
    """Until the app has finished running (the "Running…" status widget is gone)."""
    page.wait_for_timeout(300)
    page.get_by_test_id("stStatusWidget").wait_for(state="hidden", timeout=timeout)


def choose(page, label: str, option: str, timeout: int = WAIT_MS) -> None:
    """Pick ``option`` (its text as shown) in the selectbox labelled ``label``."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.get_by_role("button", name="Open").click()
    page.get_by_role("option", name=option, exact=True).click(timeout=timeout)
    wait_idle(page)


def options_of(page, label: str) -> list[str]:
    """The options a selectbox offers, as shown (the list is opened and closed again)."""
    box = page.get_by_test_id("stSelectbox").filter(has_text=label).first
    box.get_by_role("button", name="Open").click()
    listbox = page.get_by_role("option")
    listbox.first.wait_for(timeout=WAIT_MS)
    texts = listbox.all_inner_texts()
    page.keyboard.press("Escape")
    return [text.strip() for text in texts]


def page_errors(page) -> list[str]:
    """Exceptions Streamlit shows on the page (a traceback box)."""
    return page.get_by_test_id("stException").all_inner_texts()
