"""The ledger workbook's columns and value vocabularies (spec/ledger-template.md)."""

from qingji.ledger.models import CaseStatus, SettlementMethod, Source, Stage
from qingji.lib.tabular import Column

# Each code's words in the workbook, the first the one written.
Vocabulary = dict[str, tuple[str, ...]]

FLAG_COLUMNS = {
    "beijing_petition": "进京访", "provincial_petition": "赴省访", "repeat_petition": "重信重访",
    "cross_jurisdiction": "三跨三分离", "discipline_related": "涉纪", "group_petition": "群体性",
}

COLUMNS = [
    Column("seq", "序号"),
    Column("ledger_no", "台账编号", ("案件编号", "编号")),
    Column("petitioner", "信访人", ("信访人姓名", "姓名"), required=True),
    Column("gender", "性别"),
    Column("id_number", "身份证号", ("身份证号码", "公民身份号码")),
    Column("phone", "联系电话", ("电话", "手机")),
    Column("address", "住址", ("家庭住址", "地址")),
    Column("group_size", "信访人数", ("人数",)),
    Column("summary", "信访事项", ("信访诉求", "主要诉求", "反映问题", "案情摘要"), required=True),
    Column("category", "问题类别", ("类别", "案件类别")),
    Column("stage", "涉及环节", ("环节",)),
    Column("dockets", "原案号", ("原审案号", "案号")),
    Column("first_petitioned_on", "初信初访时间", ("初次信访时间", "首次信访时间")),
    Column("source", "案件来源", ("来源", "交办单位"), required=True),
    Column("assigned_on", "交办时间"),
    Column("registered_on", "登记时间", ("建档时间", "排查时间")),
    Column("key_supervision", "重点督办", ("督办单位", "督办级别")),
    Column("handling_org", "责任单位", ("承办单位",), required=True),
    Column("lead_official", "包案领导"),
    Column("supervising_official", "督办领导"),
    Column("handlers", "承办人"),
    Column("watch_officer", "稳控责任人"),
    Column("plan", "化解方案", ("工作措施", "化解措施")),
    Column("deadline", "办结期限", ("期限",)),
    *[Column(field, label) for field, label in FLAG_COLUMNS.items()],
    Column("status", "办理状态", ("状态", "化解情况")),
    Column("method", "化解方式", ("息诉方式", "办结方式")),
    Column("closed_on", "办结时间", ("息诉时间", "化解时间")),
    Column("aid", "司法救助金额", ("救助金额", "救助金额（元）", "救助金额(元)")),
    Column("note", "备注"),
]

# The spec's words for the default sources. Which sources a unit has, and their labels, are its local rule
# `sources` (qingji/ledger/vocabulary.py): the import accepts an active entry's label and code, and these.
SOURCES: Vocabulary = {
    Source.CENTRAL_COMMITTEE: ("中央政法委交办", "中央政法委", "中央交办"),
    Source.PROVINCIAL_COMMITTEE: ("省委政法委交办", "省委政法委"),
    Source.CITY_COMMITTEE: ("市委政法委交办", "市委政法委"),
    Source.COUNTY_COMMITTEE: ("县委政法委交办", "县委政法委", "区委政法委"),
    Source.SUPERIOR_ORG: ("上级机关交办", "省高院交办", "省院交办", "上级法院", "上级交办"),
    Source.LEADER_INSTRUCTION: ("领导批示", "市领导批示", "批示件"),
    Source.SELF_IDENTIFIED: ("自行排查", "自排", "自查"),
}
OPEN = "open"
STATUSES: Vocabulary = {
    OPEN: ("未结未息", "未化解"),
    CaseStatus.CLOSED_UNSETTLED: ("已结未息",),
    CaseStatus.CLOSED_SETTLED: ("已结已息", "已化解", "已息诉"),
}
METHODS: Vocabulary = {
    SettlementMethod.WRITTEN_PLEDGE: ("书面保证息诉罢访", "书面保证"),
    SettlementMethod.TERMINATED: ("批准终结", "终结", "省院批准终结"),
    SettlementMethod.OTHER: ("其他方式办结", "其他"),
}
STAGES: Vocabulary = {
    Stage.FILING: ("立案",), Stage.TRIAL: ("审判",), Stage.ENFORCEMENT: ("执行",), Stage.INVESTIGATION: ("侦查",),
    Stage.PROCURATORIAL: ("检察",), Stage.JUDICIAL_ADMIN: ("司法行政",), Stage.OTHER: ("其他",),
}
GENDERS: Vocabulary = {"M": ("男",), "F": ("女",)}


def lookup(vocabulary: Vocabulary) -> dict[str, str]:
    return {word: code for code, words in vocabulary.items() for word in words}


def label_of(vocabulary: Vocabulary, code: str) -> str:
    return vocabulary[code][0] if code in vocabulary else ""
