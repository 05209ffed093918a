"""Generated ledger workbooks of any size, for measuring the importer (scripts/bench_exchange.py) and for
tests that need many rows. Deterministic for a given seed; written with openpyxl in write-only mode."""

import datetime as dt
import random
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from openpyxl import Workbook

HEADER = ["序号", "台账编号", "信访人", "性别", "身份证号", "联系电话", "住址", "信访事项", "问题类别", "涉及环节",
          "原案号", "案件来源", "登记时间", "责任单位", "包案领导", "督办领导", "承办人", "稳控责任人", "化解方案",
          "办结期限", "进京访", "重信重访", "办理状态", "化解方式", "办结时间", "司法救助金额", "备注"]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕"
GIVEN = "芳明强伟秀英敏静丽军磊洋艳勇杰娟涛超霞平刚桂兰红玉华建国志新海波"
CATEGORIES = ("土地征用", "房屋拆迁", "国企改制", "劳动争议", "婚姻家庭", "民间借贷", "人身损害", "执行不能",
              "刑事申诉", "行政争议", "其他")
SOURCES = ("市委政法委交办", "省委政法委交办", "自行排查", "领导批示", "上级机关交办")
STAGES = ("审判", "执行", "立案", "侦查", "检察")
WEIGHTS = (("未结未息", 6), ("已结已息", 3), ("已结未息", 1))


def id_number(rng: random.Random) -> str:
    """A valid 18-character ID number (GB 11643 check digit)."""
    birth = dt.date(1940, 1, 1) + dt.timedelta(days=rng.randrange(365 * 60))
    body = f"110101{birth:%Y%m%d}{rng.randrange(1000):03d}"
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return body + "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


def _name(rng: random.Random) -> str:
    return rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))


def sample_rows(count: int, orgs: Sequence[str], *, seed: int = 1, prefix: str = "GEN") -> Iterator[dict[str, Any]]:
    """`count` valid ledger rows for the handling units `orgs` (codes). One in ten petitioners comes back
    in a second case (the same ID number), as repeat petitioners do."""
    rng = random.Random(seed)
    officials = {org: [_name(rng) for _ in range(20)] for org in orgs}
    people: list[tuple[str, str]] = []
    for index in range(count):
        org = orgs[index % len(orgs)]
        if people and rng.random() < 0.1:
            name, number = rng.choice(people)
        else:
            name, number = _name(rng), id_number(rng)
            people.append((name, number))
            if len(people) > 5000:
                people.pop(0)
        registered = dt.date(2011, 1, 1) + dt.timedelta(days=rng.randrange(400))
        status = rng.choices([s for s, _ in WEIGHTS], [w for _, w in WEIGHTS])[0]
        closed = registered + dt.timedelta(days=rng.randrange(10, 300)) if status != "未结未息" else None
        staff = officials[org]
        yield {
            "序号": index + 1, "台账编号": f"{prefix}-{index + 1:06d}", "信访人": name,
            "性别": rng.choice(("男", "女")), "身份证号": number, "联系电话": f"139{rng.randrange(10**8):08d}",
            "住址": f"清河市清源区{rng.randrange(1, 300)}号", "信访事项": f"不服判决，要求再审（第{index + 1}号）",
            "问题类别": rng.choice(CATEGORIES), "涉及环节": rng.choice(STAGES),
            "原案号": f"(2010)清民初字第{index + 1}号" if rng.random() < 0.5 else "",
            "案件来源": rng.choice(SOURCES), "登记时间": registered.isoformat(), "责任单位": org,
            "包案领导": f"{staff[0]}(院长)" if rng.random() < 0.5 else f"{rng.choice(staff)}(副院长)",
            "督办领导": rng.choice(staff), "承办人": "、".join(rng.sample(staff, 2)), "稳控责任人": rng.choice(staff),
            "化解方案": "释法说理，依法救助", "办结期限": (registered + dt.timedelta(days=180)).isoformat(),
            "进京访": "是" if rng.random() < 0.1 else "", "重信重访": "√" if rng.random() < 0.2 else "",
            "办理状态": status, "化解方式": "书面保证息诉罢访" if status == "已结已息" else "",
            "办结时间": closed.isoformat() if closed else "",
            "司法救助金额": str(rng.randrange(1, 50) * 1000) if rng.random() < 0.05 else "", "备注": "",
        }


def write_sample_workbook(path: Path, count: int, orgs: Sequence[str], *, seed: int = 1, prefix: str = "GEN",
                          change_every: int = 0) -> Path:
    """A workbook of `count` generated rows under a title row. `change_every` = n changes the petition matter
    of every n-th row and settles it if it was open (for measuring a re-import that updates some cases)."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("台账")
    sheet.append(["清河市涉法涉诉信访积案台账（生成）"])
    sheet.append(HEADER)
    for index, values in enumerate(sample_rows(count, orgs, seed=seed, prefix=prefix)):
        if change_every and index % change_every == 0:
            values["信访事项"] += "（已更新）"
            if values["办理状态"] == "未结未息":  # and an open case settled since
                settled = dt.date.fromisoformat(values["登记时间"]) + dt.timedelta(days=200)
                values.update({"办理状态": "已结已息", "化解方式": "书面保证息诉罢访", "办结时间": settled.isoformat()})
        sheet.append([values[h] for h in HEADER])
    workbook.save(path)
    return path
