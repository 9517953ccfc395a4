"""Several app servers, one store (issue 17, Done when): PostGIS and two ``streamlit run app.py`` on the same
database. An upload applied through server A's panel is seen on server B (an idle page redraws itself within a
few seconds with ``data.refresh_s``; any rerun sees it anyway); then 20 sessions across both servers work
for a bounded time, while another apply lands, with no error on any page or in either server's log. The 20 sessions
speak Streamlit's websocket protocol (tests/stream_client.py): each is a real session on the server (the script
runs, reads PostGIS, builds its maps), without a browser per session on a 2-core machine."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app_servers import WAIT_MS, app_server, page_errors, wait_idle
from officer_fixtures import filled_template, new_quarter

pytestmark = pytest.mark.browser
REPO = Path(__file__).resolve().parents[1]
SESSIONS = int(os.environ.get("TWO_SERVERS_SESSIONS", 20))
BUSY_SECONDS = 60  # how long the 20 sessions keep working (bounded; each also finishes what it started)
#: What the sessions open, in turn (a mix of pages, provinces, levels and indicators).
VIEWS = ["/?province=14", "/vung-trong?province=14", "/so-sanh?province=12", "/?province=22&indicator=vneid_share",
         "/?level=province", "/du-lieu", "/?province=91&level=commune", "/vung-trong?province=12&areas=mountainous"]


def cli(env: dict, *args) -> subprocess.CompletedProcess:
    code = "import sys; from dashboard.cli import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.run([sys.executable, "-c", code, *args], env={**os.environ, **env}, cwd=REPO,
                          capture_output=True, text=True, timeout=600)


@pytest.fixture(scope="module")
def servers(pg_cluster, browser, tmp_path_factory, artifacts_dir):
    folder = tmp_path_factory.mktemp("two-servers")
    env = {"COVERAGE_MAP_STORE": pg_cluster.new_database(), "COVERAGE_MAP_STAGING": str(folder / "staging"),
           "COVERAGE_MAP_REFRESH_S": "2"}
    initialised = cli(env, "store", "init")
    assert initialised.returncode == 0, initialised.stderr
    logs = artifacts_dir / "two-servers"
    with app_server(env, logs / "server-a.log") as a, app_server(env, logs / "server-b.log") as b:
        yield env, a, b, folder, logs


def test_an_upload_applied_on_one_server_is_seen_on_the_other(browser, servers, artifacts_dir):
    env, server_a, server_b, folder, logs = servers
    context = browser.new_context(viewport={"width": 1440, "height": 1300})
    officer, watcher = context.new_page(), context.new_page()
    try:
        watcher.goto(f"{server_b}/?province=14")  # a page nobody touches, on the other server
        watcher.get_by_text("Kỳ số liệu").first.wait_for(timeout=WAIT_MS)
        wait_idle(watcher)
        assert watcher.get_by_text("Quý 1/2026").count() == 0
        officer.goto(f"{server_a}/du-lieu")
        filled = folder / "so_lieu_quy1_2026_son_la.xlsx"
        filled.write_bytes(filled_template(new_quarter()))
        officer.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(filled))
        officer.get_by_text("Xem trước: khi bấm Áp dụng").wait_for(timeout=WAIT_MS)
        wait_idle(officer)
        officer.get_by_role("button", name="Áp dụng", exact=True).click()
        officer.get_by_text("Đã áp dụng: phiên bản v0001 đang được dùng.").wait_for(timeout=WAIT_MS)
        applied = time.monotonic()
        watcher.get_by_text("Quý 1/2026 mới có số liệu của 5 / 75 xã").wait_for(timeout=WAIT_MS)
        print(f"\nserver B's idle page showed the new quarter {time.monotonic() - applied:.1f} s after server A "
              f"said it was applied (data.refresh_s = 2)")
        watcher.screenshot(path=logs / "server-b-after-apply.png")
        watcher.goto(f"{server_b}/du-lieu")  # the same active version, with the same ledger
        watcher.get_by_text("Đang dùng: phiên bản v0001").wait_for(timeout=WAIT_MS)
        assert watcher.get_by_text("Quý 1/2026 (xã, 1 tỉnh): thêm 5, cập nhật 0, không đổi 0, xóa 0.").count() == 1
        assert page_errors(officer) == [] and page_errors(watcher) == []
    finally:
        context.close()


PAGES = ("", "vung-trong", "so-sanh", "du-lieu")


async def _session(base: str, number: int, deadline: float, report: dict) -> None:
    """One person: opens a link (a new session), goes through the pages in that tab, opens another link…"""
    from stream_client import StreamSession

    views, errors, seconds = 0, [], []
    await asyncio.sleep(number * 0.25)  # people do not all press Enter in the same second
    try:
        while time.monotonic() < deadline or views == 0:
            link = VIEWS[(number + views) % len(VIEWS)]
            async with StreamSession(base) as session:
                for step in range(len(PAGES)):
                    query = link.split("?", 1)[1] if "?" in link else ""
                    path = link if step == 0 else f"/{PAGES[(number + step) % len(PAGES)]}?{query}"
                    result = await session.view(path)
                    seconds.append(result.seconds)
                    views += 1
                    if result.finished != "FINISHED_SUCCESSFULLY" or result.exceptions or not result.headings:
                        errors.append((path, result.finished, result.exceptions))
                    if time.monotonic() > deadline:
                        break
    except Exception as error:  # noqa: BLE001 - reported with the session, then asserted on
        errors.append(f"{type(error).__name__}: {str(error)[:300]}")
    report[number] = (base, views, errors, seconds)


async def _sessions(servers: tuple[str, str], seconds: float) -> dict:
    report: dict = {}
    deadline = time.monotonic() + seconds
    await asyncio.gather(*(_session(servers[n % 2], n, deadline, report) for n in range(SESSIONS)))
    return report


def test_twenty_sessions_across_both_servers_while_data_is_applied(servers):
    env, server_a, server_b, folder, logs = servers
    correction = folder / "sua_quy1_2026.xlsx"
    rows = new_quarter(count=3)
    rows["teams"] = rows["teams"] + 2
    correction.write_bytes(filled_template(rows))

    def apply_meanwhile():
        time.sleep(BUSY_SECONDS / 3)
        return cli(env, "store", "apply", str(correction), "--yes", "--as", "Minh")

    import concurrent.futures

    with concurrent.futures.ThreadPoolExecutor(2) as pool:  # (this thread runs the sync browser's own loop)
        applying = pool.submit(apply_meanwhile)
        started = time.monotonic()
        report = pool.submit(asyncio.run, _sessions((server_a, server_b), BUSY_SECONDS)).result()
        elapsed = time.monotonic() - started
        applied = applying.result()
    assert applied.returncode == 0, applied.stderr
    seconds = sorted(t for *_, times in report.values() for t in times)
    views = {server: sum(v for b, v, *_ in report.values() if b == server) for server in (server_a, server_b)}
    print(f"\n{SESSIONS} sessions for {elapsed:.0f} s: {sum(views.values())} page runs (server A {views[server_a]}, "
          f"server B {views[server_b]}) while an apply landed; seconds per page run: median "
          f"{seconds[len(seconds) // 2]:.1f}, 90th percentile {seconds[int(len(seconds) * 0.9)]:.1f}, "
          f"slowest {seconds[-1]:.1f}")
    assert len(report) == SESSIONS and all(v >= 1 for _, v, *_ in report.values())
    assert [errors for _, _, errors, _ in report.values() if errors] == []
    for log in ("server-a.log", "server-b.log"):  # (a browser leaving mid-handshake logs uvicorn's own noise)
        blocks = (logs / log).read_text(errors="replace").split("Traceback (most recent call last):")
        ours = [b for b in blocks[1:] if any(f"{REPO}/{package}/" in b for package in ("dashboard", "loaders",
                                                                                          "analysis", "i18n"))]
        assert "Uncaught app execution" not in blocks[0] and ours == [], ours[:1]


@pytest.fixture
def proxy(servers, tmp_path):
    """deploy/nginx.conf in front of both servers (its upstream pointed at them), on a free port."""
    import shutil

    from app_servers import free_port

    if not shutil.which("nginx"):
        pytest.skip("nginx is not installed (apt-get install nginx-light)")
    _, server_a, server_b, _, _ = servers
    port = free_port()
    conf = (REPO / "deploy" / "nginx.conf").read_text()
    conf = conf.replace("server 127.0.0.1:8501;", f"server {server_a.removeprefix('http://')};")
    conf = conf.replace("server 127.0.0.1:8502;", f"server {server_b.removeprefix('http://')};")
    conf = conf.replace("listen 80;", f"listen 127.0.0.1:{port};")
    conf = conf.replace("http {", f"http {{\n    access_log {tmp_path}/access.log;", 1)
    (tmp_path / "nginx.conf").write_text(conf)
    process = subprocess.Popen(["nginx", "-p", str(tmp_path), "-c", str(tmp_path / "nginx.conf"), "-g",
                                f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;"])
    try:
        import urllib.request

        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        yield f"http://127.0.0.1:{port}"
    finally:
        process.terminate()
        process.wait(timeout=30)


def test_behind_the_nginx_of_the_readme_an_officer_uploads_and_applies(browser, servers, proxy):
    env, *_, folder, logs = servers
    context = browser.new_context(viewport={"width": 1440, "height": 1300})
    page = context.new_page()
    try:
        page.goto(f"{proxy}/du-lieu")  # the websocket and the upload go through the proxy to one server
        page.get_by_text("Đang dùng: phiên bản v0002").wait_for(timeout=WAIT_MS)
        rows = new_quarter(count=5).iloc[3:].copy()
        rows["team_members"] = rows["team_members"] + 5  # a correction of the last two communes
        upload = folder / "qua_proxy.xlsx"
        upload.write_bytes(filled_template(rows))
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(upload))
        page.get_by_text("Quý 1/2026: cập nhật 2 đơn vị (xã).").wait_for(timeout=WAIT_MS)
        wait_idle(page)
        page.get_by_role("button", name="Áp dụng", exact=True).click()
        page.get_by_text("Đã áp dụng: phiên bản v0003 đang được dùng.").wait_for(timeout=WAIT_MS)
        assert page_errors(page) == []
    finally:
        context.close()
    status = cli(env, "store", "status", "--json")
    assert '"active": "v0003"' in status.stdout
