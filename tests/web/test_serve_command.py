import socket
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
    finally:
        server.terminate()
        server.wait(timeout=10)
