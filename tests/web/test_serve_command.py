import datetime as dt
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_it_serves_pages_and_static_files_with_gunicorn(tmp_path):
    env = {"QINGJI_DATA_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    subprocess.run([sys.executable, "-m", "qingji", "migrate", "-v", "0"], env=env, cwd=tmp_path, check=True)
    port = free_port()
    server = subprocess.Popen([sys.executable, "-m", "qingji", "serve", "--bind", f"127.0.0.1:{port}",
                               "--workers", "2"], env=env, cwd=tmp_path,
                              stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        page = None
        for _ in range(60):
            try:
                page = urllib.request.urlopen(f"http://127.0.0.1:{port}/login/", timeout=2).read().decode()
                break
            except OSError:
                time.sleep(0.5)
        assert page is not None, server.stderr.read1().decode() if server.poll() is not None else "no answer"
        assert "清积" in page
        css = [part.split('"')[0] for part in page.split('href="')[1:] if part.startswith("/static/")]
        assert css, "the sign-in page links its stylesheets"
        for asset in css:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{asset}", timeout=5) as response:
                assert response.status == 200
                assert "max-age" in response.headers.get("Cache-Control", "")
        _assert_upkeep_runs(tmp_path / "var" / "qingji.sqlite3")
    finally:
        server.terminate()
        server.wait(timeout=10)


def _assert_upkeep_runs(path) -> None:  # type: ignore[no-untyped-def]
    """The workers' upkeep thread (reports/upkeep.py) brings the checkpoints up to yesterday on its own, and
    clears a unit marked stale (as a trigger marks one after a back-dated edit) within seconds."""
    database = sqlite3.connect(path, timeout=20)
    try:
        yesterday = (dt.date.today() - dt.timedelta(days=1)).isoformat()
        horizon = None
        for _ in range(60):
            horizon = database.execute("SELECT horizon FROM reports_checkpointstate WHERE scope = 'all'").fetchone()
            if horizon:
                break
            time.sleep(0.5)
        assert horizon is not None and horizon[0] >= yesterday, "the daily refresh did not run"
        with database:
            database.execute("INSERT INTO reports_staleunit (scope, unit, since, generation) VALUES ('', 1, ?, 1)",
                             [yesterday])
        for _ in range(40):
            if not database.execute("SELECT count(*) FROM reports_staleunit").fetchone()[0]:
                break
            time.sleep(0.5)
        assert not database.execute("SELECT count(*) FROM reports_staleunit").fetchone()[0], "the mark stayed"
    finally:
        database.close()
