"""Demo cases of 清河市: 44 backlog cases across every unit, source, category and status, with
responsibility, work logs, aid and reviews, built through the services like real work.

Fictional people; ID numbers are valid (GB 11643 check digit) but made up; dates are relative to
today, so that deadlines show overdue, due soon and on time whenever the demo is loaded.
"""

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from qingji.ledger.models import Case, CaseStatus, Category, RecordSource, SettlementMethod, Source, Stage, WorkKind
from qingji.ledger.services import (
    aid_add,
    case_register,
    petitioner_create,
    responsibility_assign,
    work_log_add,
)
from qingji.organisations.models import HEAD_TITLES, Official, Org

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = ["秀英", "桂兰", "建国", "志强", "丽华", "永福", "玉梅", "德明", "春生", "海燕", "国庆", "红霞", "振华",
         "金凤", "立新", "淑珍", "文杰", "秀兰", "明亮", "桂芳", "长林", "雪梅"]
AREAS = ["990102", "990103", "990121", "990122", "990100"]
DISTRICTS = ["清源区", "河阳区", "安平县", "永宁县"]
STREETS = ["东关", "西街", "南湖", "北苑", "新村"]

# (summary, category, stage, unit codes that typically handle it)
MATTERS = [
    ("对房屋拆迁补偿标准不服，认为评估价格过低，多次要求重新评估并增加补偿。", "房屋拆迁", Stage.TRIAL),
    ("土地承包经营权纠纷判决生效后，对方拒不腾退土地，申请执行多年未果。", "土地征用", Stage.ENFORCEMENT),
    ("原所在国有企业改制时未予安置，要求补缴养老保险并给予经济补偿。", "国企改制", Stage.TRIAL),
    ("追索劳动报酬案件胜诉后，被执行人下落不明，执行款长期无法到位。", "执行不能", Stage.ENFORCEMENT),
    ("对离婚案件中财产分割部分判决不服，认为法院未认定对方隐匿的存款。", "婚姻家庭", Stage.TRIAL),
    ("民间借贷纠纷中对方以虚假诉讼转移财产，要求追究对方刑事责任。", "民间借贷", Stage.INVESTIGATION),
    ("交通事故致残，对赔偿数额不服，认为伤残等级鉴定有误。", "人身损害", Stage.TRIAL),
    ("其子被判处故意伤害罪，家属认为量刑过重，坚持申诉要求再审。", "刑事申诉", Stage.PROCURATORIAL),
    ("不服公安机关不予立案决定，认为对方诈骗事实清楚，要求立案侦查。", "其他", Stage.FILING),
    ("对行政机关房屋征收决定提起行政诉讼被驳回，认为程序违法。", "行政争议", Stage.TRIAL),
    ("工伤认定后用人单位拒不支付工伤待遇，仲裁、诉讼后仍未执行到位。", "劳动争议", Stage.ENFORCEMENT),
    ("认为法律援助律师未尽职责导致败诉，要求追究律师责任并赔偿损失。", "其他", Stage.JUDICIAL_ADMIN),
]
UNITS = ["QH-QY-FY", "QH-HY-FY", "QH-AP-FY", "QH-YN-FY", "QH-ZY", "QH-GAJ", "QH-JCY", "QH-SFJ"]
SOURCES = [Source.PROVINCIAL_COMMITTEE, Source.CITY_COMMITTEE, Source.SUPERIOR_ORG, Source.SELF_IDENTIFIED,
           Source.LEADER_INSTRUCTION, Source.COUNTY_COMMITTEE, Source.CENTRAL_COMMITTEE]
KEY_SUPERVISION = {Source.PROVINCIAL_COMMITTEE: "省委政法委", Source.CITY_COMMITTEE: "市委政法委",
                   Source.CENTRAL_COMMITTEE: "中央政法委"}
# The status each demo case ends in: a campaign halfway through (about 60% settled).
OUTCOMES = (
    [(CaseStatus.CLOSED_SETTLED, SettlementMethod.WRITTEN_PLEDGE)] * 12
    + [(CaseStatus.CLOSED_SETTLED, SettlementMethod.TERMINATED)] * 9
    + [(CaseStatus.CLOSED_SETTLED, SettlementMethod.OTHER)] * 5
    + [(CaseStatus.CLOSED_UNSETTLED, "")] * 4
    + [(CaseStatus.CLOSURE_REQUESTED, "")] * 3
    + [(CaseStatus.IN_PROGRESS, "")] * 8
    + [(CaseStatus.REGISTERED, "")] * 3
)
WORK = [
    (WorkKind.RECEPTION, "接待信访人，听取诉求，登记信访事项，告知依法维权途径。"),
    (WorkKind.HOME_VISIT, "包案领导带队上门走访，了解家庭困难情况，做思想疏导工作。"),
    (WorkKind.REVIEW, "调阅原审卷宗进行评查，认定原审认定事实清楚、适用法律正确。"),
    (WorkKind.COORDINATION, "召开协调会，邀请乡镇、社区及相关部门共同研究化解方案。"),
    (WorkKind.COUNSELLING, "释法说理，向信访人解释判决依据，耐心做息诉罢访工作。"),
    (WorkKind.HEARING, "组织公开听证，邀请人大代表、政协委员、律师参加，听证员一致认为原处理正确。"),
    (WorkKind.LAWYER, "邀请律师参与接访，从第三方角度为信访人提供法律意见。"),
    (WorkKind.APPOINTMENT, "约访信访人及其家属，通报案件办理进展。"),
]


def id_number(rng: random.Random, area: str) -> str:
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(0, 365 * 45))
    body = f"{area}{birth:%Y%m%d}{rng.randrange(0, 999):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


# Cases whose demo outcome is a closure: (case id, status, method, date), filled by load().
PLANNED: list[tuple[int, str, str, dt.date]] = []


def load() -> None:
    PLANNED.clear()
    rng = random.Random(2026)  # noqa: S311 - demo data, not security
    today = timezone.localdate()
    units = {o.code: o for o in Org.objects.filter(code__in=UNITS)}
    categories = {c.name: c for c in Category.objects.all()}
    outcomes = list(OUTCOMES)
    rng.shuffle(outcomes)
    for index, (status, method) in enumerate(outcomes):
        _demo_case(rng, today, index, units[UNITS[index % len(UNITS)]], categories, status, method)


def _demo_case(rng: random.Random, today: dt.date, index: int, org: Org, categories: dict,
               status: str, method: str) -> None:
    summary, category, stage = MATTERS[index % len(MATTERS)]
    source = SOURCES[index % len(SOURCES)]
    area = AREAS[index % len(AREAS)]
    name = SURNAMES[(index * 7) % len(SURNAMES)] + GIVEN[index % len(GIVEN)]
    petitioner = petitioner_create(
        actor=None, name=name, gender="F" if index % 3 == 0 else "M", id_number=id_number(rng, area),
        phone=f"139{rng.randrange(10**7, 10**8)}",
        address=f"清河市{DISTRICTS[index % 4]}{rng.choice(STREETS)}{rng.randrange(1, 99)}号",
        group_size=rng.choice([1, 1, 1, 3, 8]) if index % 9 == 0 else 1,
    )
    registered = today - dt.timedelta(days=rng.randrange(60, 200))
    flags = [f for f, chance in (("beijing_petition", 5), ("provincial_petition", 3), ("repeat_petition", 2),
                                 ("cross_jurisdiction", 8), ("discipline_related", 11)) if index % chance == 0]
    if petitioner.group_size > 1:
        flags.append("group_petition")
    case = case_register(
        actor=None, handling_org=org, summary=summary, source=source, petitioners=[petitioner],
        registered_on=registered, assigned_on=registered if source != Source.SELF_IDENTIFIED else None,
        category=categories.get(category), stage=stage,
        first_petitioned_on=registered - dt.timedelta(days=rng.randrange(700, 4000)),
        key_supervision=KEY_SUPERVISION.get(source, ""), flags=flags, record_source=RecordSource.FOUND,
        docket_numbers=[f"({registered.year - rng.randrange(3, 12)})清{['民', '执', '刑', '行'][index % 4]}"
                        f"{['初', '终', '申'][index % 3]}字第{rng.randrange(10, 999)}号"],
    )
    if status == CaseStatus.REGISTERED:
        return
    _assign(rng, case, org, registered, today, index)
    _work(rng, case, registered, today)
    if index % 6 == 0:
        aid_add(actor=None, case=case, amount=Decimal(rng.choice([5000, 10000, 15000, 20000, 30000])),
                date=min(today, registered + dt.timedelta(days=40)),
                payer="aid_fund" if index % 12 else "unit_advance",
                approval=f"清中法救字〔{registered.year}〕{index + 1}号")
    if status != CaseStatus.IN_PROGRESS:
        # The lifecycle's demo closes these cases through its own services (closure, termination).
        closed = min(today - dt.timedelta(days=1), registered + dt.timedelta(days=rng.randrange(30, 55)))
        PLANNED.append((case.pk, status, method, closed))


def unit_posts(officials: list[Official]) -> tuple[Official, Official, list[Official]]:
    """(第一责任人, 包案领导, the others) by post: the unit's head (院长, 检察长, 局长) answers for the unit, a deputy
    head (副院长) or another leader (支队长, 主任) takes the case, the judges and officers handle it."""
    head = next((o for o in officials if o.title in HEAD_TITLES), officials[0])
    deputies = [o for o in officials if o is not head and o.title.startswith("副")]
    leaders = [o for o in officials if o is not head and ("长" in o.title or "主任" in o.title)]
    lead = (deputies or leaders or [head])[0]
    return head, lead, [o for o in officials if o not in (head, lead)]


def _assign(rng: random.Random, case: Case, org: Org, registered: dt.date, today: dt.date, index: int) -> None:
    head, lead, others = unit_posts(list(Official.objects.filter(org=org).order_by("pk")))
    handlers = [o for o in others if not o.title.endswith("庭长")] or others or [lead]
    supervising = next((o for o in others if o.title.endswith("庭长")), None)
    # Deadlines spread around today: some overdue, some due within the week, most later.
    deadline = today + dt.timedelta(days=[-12, -3, 4, 6, 20, 35, 50, 75][index % 8])
    responsibility_assign(
        actor=None, case=case, lead_official=lead, supervising_official=supervising, handlers=handlers[-1:],
        watch_officer=handlers[-1], head_of_unit=head,
        plan="包案领导亲自接访，调阅原审卷宗复查；落实稳控责任人，定期走访；符合条件的申请司法救助。",
        deadline=deadline, goal="依法处理到位，信访人息诉罢访", effective_on=registered + dt.timedelta(days=3),
    )


def _work(rng: random.Random, case: Case, registered: dt.date, today: dt.date) -> None:
    for step in range(rng.randrange(2, 6)):
        kind, content = WORK[(step + case.pk) % len(WORK)]
        day = min(today, registered + dt.timedelta(days=5 + step * 9))
        work_log_add(actor=None, case=case, kind=kind, date=day, content=content,
                     participants="包案领导、承办人" if step % 2 == 0 else "承办人、稳控责任人")
