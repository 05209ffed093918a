import subprocess
import sys


def run_demo(tmp_path, *args):
    env = {"QINGJI_DATA_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "qingji", "demo", "--no-serve", *args], env=env, cwd=tmp_path,
                          capture_output=True, text=True, timeout=300)


def test_it_loads_the_demo_city_once_and_prints_every_account(tmp_path):
    first = run_demo(tmp_path, "--password", "Demo-pass-2026")
    assert first.returncode == 0, first.stderr
    for account in ("sysadmin", "secadmin", "auditor", "committee", "committee_lead", "court", "court_a",
                    "court_b", "court_a_lead", "police", "reviewer"):
        assert account in first.stdout
    assert "Demo-pass-2026" in first.stdout
    assert (tmp_path / "var" / "qingji.sqlite3").exists()

    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "已加载" in second.stdout  # already loaded: passwords reset, nothing loaded twice
    generated = [line for line in second.stdout.splitlines() if "统一密码" in line]
    assert generated and "Demo-pass-2026" not in generated[0]
