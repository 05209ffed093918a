"""One request as a benchmark account, with each SQL statement and its time (a development aid).

    python -m bench.profile_request province "/cases/?sort=deadline&page=50" [--profile]
"""

import argparse
import time

from bench import setup_django


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("account", choices=["county", "city", "province"])
    parser.add_argument("url")
    parser.add_argument("--profile", action="store_true", help="also print a cProfile of the request")
    args = parser.parse_args()
    setup_django()
    from django.db import connection
    from django.test import Client

    from qingji.accounts.models import User

    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(username=f"bench_{args.account}"))
    client.get(args.url)
    log: list[tuple[float, str, object]] = []

    def wrapper(execute, sql, params, many, context):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append(((time.perf_counter() - started) * 1000, sql, params))

    with connection.execute_wrapper(wrapper):
        started = time.perf_counter()
        response = client.get(args.url)
        total = (time.perf_counter() - started) * 1000
    print(response.status_code, f"total {total:.1f} ms, SQL {sum(x[0] for x in log):.1f} ms")
    for ms, sql, params in log:
        print(f"{ms:8.2f}  {sql[:300]}  {str(params)[:80]}")
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        profiler.enable()
        client.get(args.url)
        profiler.disable()
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)


if __name__ == "__main__":
    main()
