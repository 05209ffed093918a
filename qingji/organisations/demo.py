"""The demonstration city 清河市 (fictional names and a fictional region code 99xxxx)."""

from qingji.organisations.models import Official, Org
from qingji.organisations.services import org_create

UNITS = [
    # code, name, kind, level, superior, region
    ("JC-ZFW", "江川省委政法委", "committee", "province", None, "990000"),
    ("JC-GY", "江川省高级人民法院", "court", "province", None, "990000"),
    ("QH-ZFW", "清河市委政法委", "committee", "city", "JC-ZFW", "990100"),
    ("QH-ZY", "清河市中级人民法院", "court", "city", "JC-GY", "990100"),
    ("QH-QY-FY", "清源区人民法院", "court", "county", "QH-ZY", "990102"),
    ("QH-HY-FY", "河阳区人民法院", "court", "county", "QH-ZY", "990103"),
    ("QH-AP-FY", "安平县人民法院", "court", "county", "QH-ZY", "990121"),
    ("QH-YN-FY", "永宁县人民法院", "court", "county", "QH-ZY", "990122"),
    ("QH-JCY", "清河市人民检察院", "procuratorate", "city", None, "990100"),
    ("QH-GAJ", "清河市公安局", "police", "city", None, "990100"),
    ("QH-SFJ", "清河市司法局", "justice", "city", None, "990100"),
]

OFFICIALS = {
    "JC-ZFW": [("高建华", "省委政法委执法监督处处长")],
    "JC-GY": [("林振邦", "副院长"), ("方卫东", "审判监督庭庭长")],
    "QH-ZFW": [("周启明", "市委常委、政法委书记"), ("孙立新", "政法委副书记"), ("钱晓燕", "执法监督科科长")],
    "QH-ZY": [("吴正平", "院长"), ("郑国栋", "副院长"), ("王丽华", "立案庭庭长"), ("冯建军", "审判监督庭法官")],
    "QH-QY-FY": [("陈家和", "院长"), ("褚永强", "副院长"), ("卫晓明", "执行局法官"), ("蒋红梅", "民一庭法官")],
    "QH-HY-FY": [("沈国华", "院长"), ("韩立春", "副院长"), ("杨志远", "立案庭法官")],
    "QH-AP-FY": [("朱德胜", "院长"), ("秦海波", "副院长"), ("尤丽娟", "执行局法官")],
    "QH-YN-FY": [("许文涛", "院长"), ("何振宇", "副院长"), ("吕晓东", "民二庭法官")],
    "QH-JCY": [("施永平", "检察长"), ("张明远", "控告申诉检察部主任")],
    "QH-GAJ": [("孔庆祥", "局长"), ("曹建新", "法制支队支队长"), ("严俊", "信访科民警")],
    "QH-SFJ": [("华志刚", "局长"), ("金晓琳", "法律援助中心主任")],
}


def is_loaded() -> bool:
    return Org.objects.filter(code="QH-ZFW").exists()


def load() -> None:
    created: dict[str, Org] = {}
    for code, name, kind, level, superior, region in UNITS:
        created[code] = org_create(actor=None, code=code, name=name, kind=kind, level=level,
                                   superior=created.get(superior) if superior else None, region_code=region)
    Official.objects.bulk_create(
        Official(org=created[code], name=name, title=title)
        for code, people in OFFICIALS.items() for name, title in people
    )
