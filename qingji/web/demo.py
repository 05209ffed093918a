"""Loading the demonstration city: each part adds its own data, in order."""

from collections.abc import Callable

from django.db import transaction

from qingji.accounts import demo as accounts_demo
from qingji.organisations import demo as organisations_demo

# Later parts (cases, lifecycle, campaigns) append their loaders here; each takes no arguments.
EXTRA_STEPS: list[str] = ["qingji.rules.demo.load", "qingji.ledger.demo.load",
                          "qingji.lifecycle.demo.load", "qingji.reviews.demo.load",
                          "qingji.campaigns.demo.load"]


def demo_is_loaded() -> bool:
    return organisations_demo.is_loaded()


@transaction.atomic
def load_demo(password: str, progress: Callable[[str], None] = lambda step: None) -> None:
    """Load everything in one transaction; `progress` is told the name of each step as it starts."""
    from importlib import import_module

    progress("organisations")
    organisations_demo.load()
    progress("accounts")
    accounts_demo.load(password)
    for dotted in EXTRA_STEPS:
        module_name, func = dotted.rsplit(".", 1)
        progress(module_name.split(".")[1])
        getattr(import_module(module_name), func)()
