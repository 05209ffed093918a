"""Benchmarks (issue 9): `python -m bench.generate` fills a database with a synthetic province,
`python -m bench.run` measures the ledger page, the summary report, the dashboard, import and
export against DESIGN.md "Performance targets" and the raw-SQL floor. See docs/performance.md."""


def setup_django() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qingji.settings")
    django.setup()
