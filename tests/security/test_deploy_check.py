import secrets
import subprocess
import sys


def test_the_deploy_check_is_clean_with_production_settings(tmp_path) -> None:
    env = {"PATH": "/usr/bin:/bin", "QINGJI_DATA_DIR": str(tmp_path), "QINGJI_SECURE_COOKIES": "1",
           "QINGJI_SECRET_KEY": secrets.token_urlsafe(60), "QINGJI_ALLOWED_HOSTS": "qingji.example.gov.cn",
           "QINGJI_SSL_REDIRECT": "1"}
    result = subprocess.run([sys.executable, "-m", "qingji", "check", "--deploy", "--fail-level", "WARNING"],
                            env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
