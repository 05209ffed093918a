"""The audit actions are one registry (qingji/audit/actions.py): every code the source can write is in it,
and a code that is not cannot be written."""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.utils import translation

from qingji.audit.actions import _REGISTRY, ACTIONS, AREAS, area_actions, check_action
from qingji.audit.models import AuditEntry, AuditHead
from qingji.audit.services import audit_entry, audit_log, audit_log_values, audit_values
from qingji.lifecycle.models import ProceedingKind

SOURCE = Path(__file__).resolve().parent.parent / "qingji"

# The values a run-time part of an f-string code can take, by the attribute it reads
# (f"lifecycle.{locked.kind}_decision": a proceeding's kind). A new dynamic code needs its values here.
PLACEHOLDERS = {"kind": ProceedingKind.values}


def _literals(node: ast.expr, where: str) -> Iterator[tuple[str, str]]:
    """The codes an expression given as an action can be, or a problem that says why it cannot be known."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value, where
    elif isinstance(node, ast.IfExp):
        yield from _literals(node.body, where)
        yield from _literals(node.orelse, where)
    elif isinstance(node, ast.JoinedStr):
        texts = [""]
        for part in node.values:
            if isinstance(part, ast.Constant):
                texts = [text + str(part.value) for text in texts]
            elif isinstance(part, ast.FormattedValue) and isinstance(part.value, ast.Attribute) \
                    and part.value.attr in PLACEHOLDERS:
                texts = [text + value for text in texts for value in PLACEHOLDERS[part.value.attr]]
            else:
                yield f"<the values of {ast.unparse(part)} are not known to this test>", where
                return
        for text in texts:
            yield text, where
    else:
        yield f"<{ast.unparse(node)} is not a code this test can read>", where


def _passed_on(function: ast.AST | None) -> set[str]:
    """The names an action may be passed on as in a function: its parameters (its callers are read) and
    the loop variables over an audit plan (the plan's tuples are read)."""
    if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
        return set()
    args = function.args
    loops = {target.id for loop in ast.walk(function) if isinstance(loop, ast.For | ast.comprehension)
             and isinstance(loop.iter, ast.Attribute) and loop.iter.attr == "audit"
             for target in ast.walk(loop.target) if isinstance(target, ast.Name)}
    return {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)} | loops


def _given(call: ast.Call, positions: dict[str, int]) -> list[ast.expr]:
    """What a call gives as an action: an `action=` argument, a positional one in the place of a parameter
    named `action` of a function of the same module, or the code of a tuple added to an audit plan."""
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", "")
    if name in ("add_argument", "filter", "exclude"):  # argparse's action="store_true"; reading the log
        return []
    given = [kw.value for kw in call.keywords if kw.arg == "action"]
    if name in positions and len(call.args) > positions[name]:
        given.append(call.args[positions[name]])
    if name == "append" and isinstance(call.func, ast.Attribute) and isinstance(call.func.value, ast.Attribute) \
            and call.func.value.attr == "audit" and call.args and isinstance(call.args[0], ast.Tuple):
        given.append(call.args[0].elts[0])
    return given


def _source_codes() -> list[tuple[str, str]]:
    """Every code the source tree can pass as an audit action, with where: the calls' actions (`_given`)
    and the defaults of `action` parameters."""
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        module = path.relative_to(SOURCE.parent)
        enclosing: dict[ast.AST, ast.AST] = {}
        positions = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                args = node.args
                names = [a.arg for a in (*args.posonlyargs, *args.args) if a.arg != "self"]
                if "action" in names:
                    positions[node.name] = names.index("action")
                for arg, default in zip(args.kwonlyargs, args.kw_defaults, strict=True):
                    if arg.arg == "action" and default is not None:
                        found.extend(_literals(default, f"{module}:{node.lineno}"))
            for child in ast.iter_child_nodes(node):
                is_function = isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
                enclosing[child] = node if is_function else enclosing.get(node, tree)
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            passed_on = _passed_on(enclosing.get(call))
            for value in _given(call, positions):
                if not (isinstance(value, ast.Name) and value.id in passed_on):
                    found.extend(_literals(value, f"{module}:{call.lineno}"))
    return list(dict.fromkeys(found))


def test_every_action_the_source_writes_is_registered() -> None:
    found = _source_codes()
    assert [f"{where}: {code}" for code, where in found if code not in ACTIONS] == []
    # The walk reads what it should: literals, both sides of a condition, f-strings, the importer's plans.
    assert {"auth.login", "account.deactivate", "export.full_pii", "case.transition", "case.termination_approved",
            "lifecycle.closure_withdrawn", "case.assign_status", "petitioner.create"} <= {code for code, _ in found}


def test_the_registry_has_each_code_once_with_a_chinese_label() -> None:
    listed = [code for _area, actions in _REGISTRY for code, _label in actions]
    assert len(listed) == len(set(listed)) == len(ACTIONS)
    assert max(len(code) for code in ACTIONS) <= AuditEntry._meta.get_field("action").max_length
    assert sorted(code for area in AREAS for code in area_actions(area)) == sorted(ACTIONS)
    with translation.override("zh-hans"):
        untranslated = [str(a.label) for a in ACTIONS.values() if str(a.label).isascii()]
        untranslated += [str(a.label) for a in AREAS.values() if str(a.label).isascii()]
        assert untranslated == []
        assert str(ACTIONS["auth.login"].label) == "登录"
    with translation.override("en"):
        assert str(ACTIONS["auth.login"].label) == "Sign-in"


@pytest.mark.django_db
def test_an_unknown_action_is_refused_and_writes_nothing(city) -> None:
    head = AuditHead.objects.get(pk=1)
    count = AuditEntry.objects.count()
    with pytest.raises(ValueError, match="auth.signin"):
        audit_log(actor=None, action="auth.signin", object_type="account", object_repr="court")
    with pytest.raises(ValueError, match="case.edit"):
        audit_entry(actor=None, action="case.edit", object_type="case")
    with pytest.raises(ValueError, match="case.imported"):
        audit_log_values([audit_values(actor=None, action="case.imported", object_type="case", object_id=1,
                                       object_repr="A-1")])
    assert AuditEntry.objects.count() == count
    assert (AuditHead.objects.get(pk=1).seq, AuditHead.objects.get(pk=1).hash) == (head.seq, head.hash)
    assert check_action("auth.login") == "auth.login"


@pytest.mark.django_db
def test_an_unknown_action_creates_no_chain_head_either() -> None:
    with pytest.raises(ValueError):
        audit_log(actor=None, action="nothing.registered")
    assert not AuditHead.objects.exists() and not AuditEntry.objects.exists()
