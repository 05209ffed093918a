import json
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
    lines = first.stdout.splitlines()
    steps = [line for line in lines if line.startswith("  … ")]
    assert len(steps) == 8 and "  … 案件及其工作记录" in steps  # a line per step while it loads
    assert lines.index(steps[-1]) < min(i for i, line in enumerate(lines) if "sysadmin" in line)
    assert any("双因素" in line and "sysadmin" in line for line in lines)  # how the administrators sign in
    from qingji.accounts.demo import ACCOUNTS

    assert sum(1 for line in lines if line.startswith("  ") and line.split()[0] in {a[0] for a in ACCOUNTS}) \
        == len(ACCOUNTS) == 15
    assert (tmp_path / "var" / "qingji.sqlite3").exists()
    env = {"QINGJI_DATA_DIR": str(tmp_path / "var"), "PATH": "/usr/bin:/bin"}
    report = json.loads(subprocess.run([sys.executable, "-m", "qingji", "report", "summary", "--format", "json"],
                                       env=env, cwd=tmp_path, capture_output=True, text=True, check=True).stdout)
    assert report["total"] >= 40
    assert all(report["status"][s] > 0 for s in ("open", "closed_unsettled", "closed_settled"))
    assert all(report["settled_by_method"][m]["count"] > 0 for m in ("written_pledge", "terminated", "other"))
    assert len(report["by_source"]) == 7 and len(report["by_org"]) == 8
    assert report["reviews"]["matters"] > 0 and report["aid"]["cases"] > 0

    second = run_demo(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "已加载" in second.stdout  # already loaded: passwords reset, nothing loaded twice
    generated = [line for line in second.stdout.splitlines() if "统一密码" in line]
    assert generated and "Demo-pass-2026" not in generated[0]
