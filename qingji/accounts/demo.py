"""Demo accounts of 清河市: one per role, plus the units' staff the issues name."""

from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from qingji.accounts.models import User
from qingji.accounts.roles import Role
from qingji.accounts.services import user_create
from qingji.organisations.models import Official, Org

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

ACCOUNTS = [
    # username, unit, role, full name, official it is
    ("sysadmin", "QH-ZFW", Role.SYSADMIN, "系统管理员", None),
    ("secadmin", "QH-ZFW", Role.SECADMIN, "安全管理员", None),
    ("auditor", "QH-ZFW", Role.AUDITOR, "审计管理员", None),
    ("committee", "QH-ZFW", Role.COMMITTEE_STAFF, "钱晓燕", "钱晓燕"),
    ("committee_lead", "QH-ZFW", Role.COMMITTEE_LEADER, "孙立新", "孙立新"),
    ("court", "QH-ZY", Role.UNIT_STAFF, "王丽华", "王丽华"),
    ("court_a", "QH-QY-FY", Role.UNIT_STAFF, "卫晓明", "卫晓明"),
    ("court_b", "QH-HY-FY", Role.UNIT_STAFF, "杨志远", "杨志远"),
    ("court_a_lead", "QH-QY-FY", Role.UNIT_LEADER, "褚永强", "褚永强"),
    ("police", "QH-GAJ", Role.UNIT_STAFF, "严俊", "严俊"),
    ("reviewer", "QH-ZY", Role.REVIEWER, "冯建军", "冯建军"),
    # Each step of the termination chains (termination.chains of the local rules) has someone to decide it.
    ("court_lead", "QH-ZY", Role.UNIT_LEADER, "吴正平", "吴正平"),
    ("police_lead", "QH-GAJ", Role.UNIT_LEADER, "孔庆祥", "孔庆祥"),
    ("high_court", "JC-GY", Role.UNIT_LEADER, "林振邦", "林振邦"),
    ("province_committee", "JC-ZFW", Role.COMMITTEE_STAFF, "高建华", "高建华"),
]

# What each account decides in the chains of the demo's rules, as `qingji demo` prints it.
DUTIES: dict[str, "StrOrPromise"] = {
    "committee": _("accepts closures; reviews the police's, procuratorate's and justice bureau's terminations"),
    "committee_lead": _("committee leader: accepts closures, reviews terminations"),
    "court_a_lead": _("approves the closures of the Qingyuan court"),
    "reviewer": _("termination review panel of the intermediate court"),
    "court_lead": _("president of the intermediate court: adjudication committee, the leading group's sign-off "
                    "(head of the courts' campaign), his court's closures"),
    "police_lead": _("police leader: approves the police's closures, the unit's review of its terminations"),
    "high_court": _("provincial high court: approves the courts' terminations"),
    "province_committee": _("provincial committee: approves the other units' terminations"),
}


def load(password: str) -> None:
    for username, code, role, full_name, official in ACCOUNTS:
        org = Org.objects.get(code=code)
        user = user_create(actor=None, username=username, password=password, org=org, role=role,
                           full_name=full_name, validate=False)
        if official:
            Official.objects.filter(org=org, name=official).update(account=user)


def set_passwords(password: str) -> None:
    for user in User.objects.filter(username__in=[a[0] for a in ACCOUNTS]):
        user.set_password(password)
        user.save(update_fields=["password"])
