"""Translation catalogues: extract (`make`), compile (`compile`) and check (`check`).

qingji's message ids are English; every app keeps its own zh_Hans catalogue in
`<app>/locale/`, and project-wide strings (settings, lib) live in `qingji/locale/`.
`check` fails when a zh_Hans entry is missing, untranslated or fuzzy, or when a
compiled .mo file is missing or older than its .po.
"""

import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent / "qingji"
LANG = "zh_Hans"
APPS = sorted(p.parent.name for p in ROOT.glob("*/apps.py"))


def _run(args: list[str], cwd: Path) -> None:
    env = dict(os.environ, DJANGO_SETTINGS_MODULE="qingji.settings", QINGJI_TESTING="1",
               DATABASE_URL="sqlite://:memory:")
    django_admin = str(Path(sys.executable).parent / "django-admin")
    subprocess.run([django_admin, *args], cwd=cwd, env=env, check=True)


def make() -> None:
    common = ["makemessages", "-l", LANG, "--no-obsolete", "--no-location", "-i", "static/*"]
    for app in APPS:
        (ROOT / app / "locale").mkdir(exist_ok=True)
        _run(common, ROOT / app)
    ignores = [x for app in APPS for x in ("-i", f"{app}/*")]
    (ROOT / "locale").mkdir(exist_ok=True)
    _run([*common, *ignores], ROOT)


def catalogues() -> list[Path]:
    return sorted(ROOT.glob(f"**/locale/{LANG}/LC_MESSAGES/django.po"))


def compile_all() -> None:
    for po_path in catalogues():
        polib.pofile(str(po_path)).save_as_mofile(str(po_path.with_suffix(".mo")))


def check() -> int:
    failures = 0
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        rel = po_path.relative_to(ROOT.parent)
        for entry in po:
            if entry.obsolete:
                continue
            translated = all(entry.msgstr_plural.values()) if entry.msgid_plural else bool(entry.msgstr)
            if "fuzzy" in entry.flags or not translated:
                print(f"{rel}: untranslated or fuzzy: {entry.msgid!r}")
                failures += 1
        mo = po_path.with_suffix(".mo")
        if not mo.exists() or mo.read_bytes() != po.to_binary():
            print(f"{rel}: the compiled .mo is missing or out of date (run scripts/i18n.py compile)")
            failures += 1
    return failures + check_agreement()


def check_agreement() -> int:
    """Django merges every app's catalogue into one: the same msgid (and context) translated differently
    in two apps shows the first app's wording on the other's pages. Each must agree, or use a context
    (pgettext, {% translate "…" context "…" %}) where the meanings differ."""
    wordings: dict[tuple[str, str], dict[str, str]] = {}
    for po_path in catalogues():
        for entry in polib.pofile(str(po_path)):
            if not entry.obsolete and entry.msgstr and not entry.msgid_plural:
                where = wordings.setdefault((entry.msgctxt or "", entry.msgid), {})
                where[str(po_path.relative_to(ROOT))] = entry.msgstr
    failures = 0
    for (context, msgid), where in sorted(wordings.items()):
        if len(set(where.values())) > 1:
            shown = "; ".join(f"{path.split('/')[0]}: {text}" for path, text in sorted(where.items()))
            print(f"{msgid!r}{f' (context {context!r})' if context else ''} is translated differently: {shown}")
            failures += 1
    return failures


def fill(path: str) -> None:
    """Fill translations from a file of `msgid<TAB>msgstr` lines (for every catalogue that has the msgid)."""
    pairs = {}
    for line in Path(path).read_text(encoding="utf-8").splitlines():
        if "\t" in line:
            msgid, msgstr = line.split("\t", 1)
            pairs[msgid] = msgstr
    for po_path in catalogues():
        po = polib.pofile(str(po_path))
        for entry in po:
            done = all(entry.msgstr_plural.values()) if entry.msgid_plural else bool(entry.msgstr)
            if entry.msgid in pairs and (not done or "fuzzy" in entry.flags):
                if entry.msgid_plural:
                    # Chinese has one plural form.
                    entry.msgstr_plural = {0: pairs[entry.msgid]}
                else:
                    entry.msgstr = pairs[entry.msgid]
                if "fuzzy" in entry.flags:
                    entry.flags.remove("fuzzy")
        po.save()
    compile_all()


if __name__ == "__main__":
    command = sys.argv[1] if len(sys.argv) > 1 else "check"
    if command == "make":
        make()
        compile_all()
    elif command == "compile":
        compile_all()
    elif command == "fill":
        fill(sys.argv[2])
    elif command == "check":
        sys.exit(1 if check() else 0)
    else:
        sys.exit("usage: scripts/i18n.py make|compile|check|fill FILE")
