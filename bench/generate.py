"""Fill the database (DATABASE_URL) with a synthetic province for the benchmarks.

    python -m bench.generate --cases 100000 [--seed 1]

云岭省 (region 970000): the province's five units, 14 cities and about 100 counties, each with a
committee, court, procuratorate, police and justice bureau; officials; three accounts for the
runner; petitioners with valid GB 11643 ID numbers (some in several cases); cases spread over six
years with status histories that obey the ledger's invariants (consecutive periods, one open
period, the case row's status = the open period's), responsibility, about ten work-log entries per
case, aid on a few percent, underlying matters and quality reviews.

Rows are written as plain tuples with explicit ids (executemany on SQLite, COPY on PostgreSQL),
deterministically from `random.Random(seed)`. The database must not already hold the province.
"""

import argparse
import datetime as dt
import functools
import random
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from bench import setup_django

PROVINCE_REGION = "970000"
PROVINCE_CODE = "YL"
ACCOUNTS = {"county": "bench_county", "city": "bench_city", "province": "bench_province"}
PASSWORD = "Bench-pass-2026"  # noqa: S105 - synthetic accounts of a benchmark database
YEARS = 6
CHUNK = 10_000


@dataclass
class Unit:
    id: int
    code: str
    name: str
    kind: str
    level: str
    region: str
    officials: list[int] = field(default_factory=list)


@dataclass
class World:
    units: list[Unit]
    handling: list[Unit]
    handling_weights: list[float]
    accounts: dict[str, object]


def _mix(n: int) -> int:
    """A cheap deterministic integer hash (for names derived from ids)."""
    n = (n ^ (n >> 16)) * 0x45D9F3B & 0xFFFFFFFF
    n = (n ^ (n >> 16)) * 0x45D9F3B & 0xFFFFFFFF
    return n ^ (n >> 16)


def person_name(n: int) -> str:
    from bench.vocab import GIVEN, SURNAMES

    h = _mix(n)
    surname = SURNAMES[h % len(SURNAMES)]
    given = GIVEN[(h >> 8) % len(GIVEN)]
    if (h >> 20) % 3 == 0:
        given += GIVEN[(h >> 12) % len(GIVEN)]
    return surname + given


def id_check_digit(body: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    return "10X98765432"[sum(int(d) * w for d, w in zip(body, weights, strict=True)) % 11]


@functools.cache
def valid_area_codes() -> list[str]:
    """Real area codes (Anhui, 34xxxx) that python-stdnum accepts for births 1945–2000."""
    from stdnum.cn import ric

    found = []
    for city in range(1, 19):
        for county in range(1, 30):
            area = f"34{city:02d}{county:02d}"
            ok = True
            for year in (1945, 2000):
                body = f"{area}{year}0101001"
                try:
                    ric.validate(body + id_check_digit(body))
                except Exception:  # noqa: BLE001 - stdnum's several validation errors
                    ok = False
            if ok:
                found.append(area)
    return found


def id_number_for(pid: int, areas: list[str]) -> str:
    """A distinct valid 18-character ID number for each petitioner id (below ~1.1 million × areas / 50)."""
    area = areas[pid % len(areas)]
    q = pid // len(areas)
    seq = q % 1000
    day = (q // 1000) * 1000 + (_mix(pid) % 1000)
    birth = dt.date(1945, 1, 1) + dt.timedelta(days=day % 20000)
    body = f"{area}{birth:%Y%m%d}{seq:03d}"
    return body + id_check_digit(body)


# ---------------------------------------------------------------- organisation tree

def build_orgs(rng: random.Random) -> list[Unit]:
    from bench import writer
    from bench.vocab import CITY_NAMES, COUNTY_WORDS, STAFF_TITLES, UNIT_KINDS
    from qingji.organisations.models import Official, Org

    if Org.objects.filter(code=f"{PROVINCE_CODE}-ZFW").exists():
        sys.exit("The database already holds the benchmark province; use a fresh database.")
    next_id = writer.next_id(Org)
    rows: list[tuple[object, ...]] = []
    units: list[Unit] = []
    paths: dict[int, str] = {}

    def add(code: str, name: str, kind: str, level: str, superior: Unit | None, region: str) -> Unit:
        nonlocal next_id
        unit = Unit(next_id, code, name, kind, level, region)
        next_id += 1
        # organisations.services._path_for: the superior's path, then the id in eight digits.
        paths[unit.id] = (paths[superior.id] if superior else "") + f"{unit.id:08d}/"
        rows.append((unit.id, code, name, kind, level,
                     superior.id if superior else None, region, paths[unit.id]))
        units.append(unit)
        return unit

    province = {kind: add(f"{PROVINCE_CODE}-{v[0]}", v[3], kind, "province", None, PROVINCE_REGION)
                for kind, v in UNIT_KINDS.items()}
    county_words = list(COUNTY_WORDS)
    for c, city_name in enumerate(CITY_NAMES, start=1):
        region = f"97{c:02d}00"
        city = {kind: add(f"C{c:02d}-{v[0]}", city_name + v[2], kind, "city", province[kind], region)
                for kind, v in UNIT_KINDS.items()}
        rng.shuffle(county_words)
        for k in range(1, rng.randint(6, 8) + 1):
            word = county_words[k - 1]
            county_name = word + ("区" if k <= 2 else "县")
            for kind, v in UNIT_KINDS.items():
                name = f"{city_name}市{county_name}{v[1]}"
                add(f"C{c:02d}-X{k:02d}-{v[0]}", name, kind, "county", city[kind], f"97{c:02d}{k:02d}")
    writer.insert(Org, ("id", "code", "name", "kind", "level", "superior_id", "region_code", "path"), rows)

    official_id = writer.next_id(Official)
    official_rows = []
    for unit in units:
        head, deputy = UNIT_KINDS[unit.kind][4], UNIT_KINDS[unit.kind][5]
        titles = [head, deputy, *STAFF_TITLES[unit.kind]]
        for index, title in enumerate(titles):
            official_rows.append((official_id, person_name(unit.id * 10 + index + 7_000_000), title, unit.id, None))
            unit.officials.append(official_id)
            official_id += 1
    writer.insert(Official, ("id", "name", "title", "org_id", "account_id"), official_rows)
    return units


def build_accounts(units: list[Unit]) -> dict[str, object]:
    from qingji.accounts.roles import Role
    from qingji.accounts.services import user_create
    from qingji.organisations.models import Org

    by_code = {u.code: u for u in units}
    plan = {
        "county": ("C01-X01-FY", Role.UNIT_STAFF, "县法院立案庭"),
        "city": ("C01-ZFW", Role.COMMITTEE_STAFF, "市委政法委执法监督科"),
        "province": (f"{PROVINCE_CODE}-ZFW", Role.COMMITTEE_STAFF, "省委政法委执法监督处"),
    }
    accounts = {}
    for key, (code, role, full_name) in plan.items():
        org = Org.objects.get(pk=by_code[code].id)
        accounts[key] = user_create(actor=None, username=ACCOUNTS[key], password=PASSWORD, org=org, role=role,
                                    full_name=full_name, validate=False)
    return accounts


def handling_units(units: list[Unit], rng: random.Random) -> tuple[list[Unit], list[float]]:
    """Which units handle cases, and how many: mostly county courts and police, some busier than others."""
    kind_weight = {"court": 0.45, "police": 0.25, "procuratorate": 0.12, "justice": 0.08, "committee": 0.10}
    level_weight = {"county": 0.80 / 100, "city": 0.17 / 14, "province": 0.03}
    weights = [kind_weight[u.kind] * level_weight[u.level] * rng.lognormvariate(0, 0.5) for u in units]
    return units, weights


# ---------------------------------------------------------------- cases

@dataclass
class Counters:
    petitioner: int
    case: int
    case_petitioner: int
    matter: int
    responsibility: int
    handler: int
    work: int
    aid: int
    period: int
    review: int
    action: int
    totals: dict[str, int] = field(default_factory=dict)


def _counters() -> Counters:
    from bench import writer
    from qingji.ledger.models import (
        Case,
        CasePetitioner,
        JudicialAid,
        Petitioner,
        Responsibility,
        StatusPeriod,
        UnderlyingMatter,
        WorkLogEntry,
    )
    from qingji.reviews.models import AccountabilityAction, QualityReview

    return Counters(
        petitioner=writer.next_id(Petitioner), case=writer.next_id(Case),
        case_petitioner=writer.next_id(CasePetitioner),
        matter=writer.next_id(UnderlyingMatter), responsibility=writer.next_id(Responsibility),
        handler=writer.next_id(Responsibility.handlers.through), work=writer.next_id(WorkLogEntry),
        aid=writer.next_id(JudicialAid), period=writer.next_id(StatusPeriod), review=writer.next_id(QualityReview),
        action=writer.next_id(AccountabilityAction),
    )


TABLE_FIELDS = {
    "petitioner": ("id", "name", "gender", "id_number", "id_number_digest", "phone", "phone_digest", "address",
                   "region_code", "group_size", "notes", "created_at"),
    "case": ("id", "ledger_no", "summary", "category_id", "stage", "first_petitioned_on", "source", "assigned_on",
             "registered_on", "key_supervision", "handling_org_id", "beijing_petition", "provincial_petition",
             "repeat_petition", "cross_jurisdiction", "discipline_related", "group_petition", "deadline", "status",
             "settlement_method", "status_since", "closed_on", "note", "search_text", "version", "created_by_id",
             "created_at", "updated_at"),
    "case_petitioner": ("id", "case_id", "petitioner_id", "position"),
    "matter": ("id", "case_id", "docket_number", "stage", "org_id"),
    "responsibility": ("id", "case_id", "lead_official_id", "supervising_official_id", "watch_officer_id",
                       "head_of_unit_id", "plan", "deadline", "goal", "assigned_at"),
    "handler": ("id", "responsibility_id", "official_id"),
    "work": ("id", "case_id", "kind", "date", "participants", "content", "recorded_by_id", "recorded_at"),
    "aid": ("id", "case_id", "amount", "date", "payer", "approval", "recorded_by_id", "recorded_at"),
    "period": ("id", "case_id", "status", "method", "valid_from", "valid_to", "source", "note", "recorded_by_id",
               "recorded_at"),
    "review": ("id", "matter_id", "grade", "findings", "reviewer_id", "reviewed_on", "recorded_at"),
    "action": ("id", "review_id", "kind", "person", "date", "note"),
}


def _models() -> dict[str, object]:
    from qingji.ledger.models import (
        Case,
        CasePetitioner,
        JudicialAid,
        Petitioner,
        Responsibility,
        StatusPeriod,
        UnderlyingMatter,
        WorkLogEntry,
    )
    from qingji.reviews.models import AccountabilityAction, QualityReview

    return {"petitioner": Petitioner, "case": Case, "case_petitioner": CasePetitioner, "matter": UnderlyingMatter,
            "responsibility": Responsibility, "handler": Responsibility.handlers.through, "work": WorkLogEntry,
            "aid": JudicialAid, "period": StatusPeriod, "review": QualityReview, "action": AccountabilityAction}


class CaseMaker:
    """Makes the rows of one chunk of cases; all randomness comes from the one `rng`."""

    def __init__(self, rng: random.Random, world: World, today: dt.date, ids: Counters) -> None:
        from bench import vocab
        from qingji.ledger.models import Category
        from qingji.lib import crypto
        from qingji.lib.pii import digest

        self.rng, self.world, self.today, self.ids = rng, world, today, ids
        self.start = today - dt.timedelta(days=365 * YEARS)
        self.span = (today - self.start).days
        categories = {c.name: c.pk for c in Category.objects.all()}
        names = [n for n in vocab.CATEGORY_WEIGHTS if n in categories]
        self.categories = [categories[n] for n in names] or [None]
        self.category_names = {categories[n]: n for n in names}
        self.category_weights = [vocab.CATEGORY_WEIGHTS[n] for n in names] or [1]
        self.sources = ["central_committee", "provincial_committee", "city_committee", "county_committee",
                        "superior_org", "leader_instruction", "self_identified"]
        self.source_weights = [3, 10, 24, 20, 12, 6, 25]
        self.stages = ["filing", "trial", "enforcement", "investigation", "procuratorial", "judicial_admin", "other"]
        self.work_kinds = list(vocab.WORK_WEIGHTS)
        self.work_cum = _cumulative(list(vocab.WORK_WEIGHTS.values()))
        self.units = world.handling
        self.unit_cum = _cumulative(world.handling_weights)
        self.areas = valid_area_codes()
        self.seal, self.digest = crypto.seal_value, digest
        self.vocab = vocab
        self.first_petitioner = ids.petitioner
        self.ledger_seq: dict[tuple[int, int], int] = {}
        self.now = dt.datetime.now(dt.UTC).replace(microsecond=0)

    # -- helpers
    def _date_between(self, first: dt.date, last: dt.date) -> dt.date:
        days = (last - first).days
        return first + dt.timedelta(days=self.rng.randint(0, days)) if days > 0 else first

    def _stamp(self, day: dt.date) -> dt.datetime:
        return dt.datetime(day.year, day.month, day.day, 1 + self.rng.randint(0, 9), self.rng.randint(0, 59),
                           tzinfo=dt.UTC)

    def petitioner_row(self, pid: int, region: str) -> tuple[object, ...]:
        id_number = id_number_for(pid, self.areas)
        gender = "M" if int(id_number[16]) % 2 else "F"
        h = _mix(pid + 99)
        phone = f"13{h % 10}{(h >> 4) % 100_000_000:08d}" if h % 10 < 6 else ""
        address = f"云岭省{self.vocab.COUNTY_WORDS[h % len(self.vocab.COUNTY_WORDS)]}街道{h % 300 + 1}号"
        return (pid, person_name(pid), gender, self.seal(id_number), self.digest(id_number), self.seal(phone),
                self.digest(phone), address, region, 1, "", self.now)

    def make_chunk(self, count: int) -> dict[str, list[tuple[object, ...]]]:
        rng, ids, v = self.rng, self.ids, self.vocab
        out: dict[str, list[tuple[object, ...]]] = {k: [] for k in TABLE_FIELDS}
        for _ in range(count):
            case_id = ids.case
            ids.case += 1
            unit = self.units[_pick(rng, self.unit_cum)]
            registered = self.start + dt.timedelta(days=int(self.span * (rng.random() ** 0.85)))
            registered = min(registered, self.today)
            # Petitioners: mostly new people, some already in another case (多头信访 / 重复信访).
            people = []
            if ids.petitioner - self.first_petitioner > 50 and rng.random() < 0.2:
                people.append(rng.randint(max(self.first_petitioner, ids.petitioner - 200_000), ids.petitioner - 1))
            else:
                people.append(ids.petitioner)
                out["petitioner"].append(self.petitioner_row(ids.petitioner, unit.region))
                ids.petitioner += 1
            if rng.random() < 0.05:
                for _extra in range(rng.randint(1, 2)):
                    people.append(ids.petitioner)
                    out["petitioner"].append(self.petitioner_row(ids.petitioner, unit.region))
                    ids.petitioner += 1
            for position, pid in enumerate(people):
                out["case_petitioner"].append((ids.case_petitioner, case_id, pid, position))
                ids.case_petitioner += 1
            # Underlying matters and their reviews.
            dockets = []
            if rng.random() < 0.6:
                for _m in range(1 if rng.random() < 0.85 else 2):
                    year = max(registered.year - rng.randint(1, 8), 2000)
                    docket = f"({year})云{unit.region[2:]}{rng.choice(v.DOCKET_KINDS)}{rng.randint(1, 9999)}号"
                    if docket in dockets:
                        continue
                    dockets.append(docket)
                    out["matter"].append((ids.matter, case_id, docket, "", None))
                    if rng.random() < 0.12:
                        grade = _pick(rng, GRADE_CUM) + 1
                        reviewed = self._date_between(registered, self.today)
                        out["review"].append((ids.review, ids.matter, grade, rng.choice(v.FINDINGS), None, reviewed,
                                              self.now))
                        if grade == 3 and rng.random() < 0.4:
                            out["action"].append((ids.action, ids.review, rng.choice(ACTION_KINDS),
                                                  person_name(ids.review + 5_000_000), reviewed, ""))
                            ids.action += 1
                        ids.review += 1
                    ids.matter += 1
            names = [person_name(pid) for pid in people]
            category = self.categories[_pick(rng, _cumulative_cached(self))]
            summary = (f"{self.category_names.get(category, '')}：{rng.choice(v.GRIEVANCES)}，"
                       f"{rng.choice(v.PLACES)}，{rng.choice(v.DEMANDS)}")
            source = self.sources[_pick(rng, _source_cum(self))]
            periods, deadline, assigned_at = self._history(registered)
            status, method, since = periods[-1][0], periods[-1][1], periods[-1][2]
            closed_on = since if status in ("closed_settled", "closed_unsettled") else None
            key = rng.choice(v.KEY_SUPERVISION) if rng.random() < 0.15 else ""
            flags = (rng.random() < 0.12, rng.random() < 0.25, rng.random() < 0.35, rng.random() < 0.05,
                     rng.random() < 0.03, len(people) > 1 or rng.random() < 0.03)
            seq_key = (unit.id, registered.year)
            self.ledger_seq[seq_key] = self.ledger_seq.get(seq_key, 0) + 1
            ledger_no = f"{unit.code}-{registered.year}-{self.ledger_seq[seq_key]:04d}"
            assigned_on = registered - dt.timedelta(days=rng.randint(0, 10)) if source != "self_identified" else None
            first = registered - dt.timedelta(days=rng.randint(30, 3650))
            created = self._stamp(registered)
            search_text = "\n".join([" ".join(names), summary, " ".join(dockets)])
            out["case"].append((
                case_id, ledger_no, summary, category, rng.choice(self.stages), first, source, assigned_on, registered,
                key, unit.id, *flags, deadline, status, method, since, closed_on, "", search_text, len(periods),
                None, created, self.now))
            old = (self.today - registered).days > 730
            for index, (p_status, p_method, p_from) in enumerate(periods):
                p_to = periods[index + 1][2] if index + 1 < len(periods) else None
                out["period"].append((ids.period, case_id, p_status, p_method, p_from, p_to,
                                      "import" if old else "service", "", None, self._stamp(p_from)))
                ids.period += 1
            end = closed_on or self.today
            if assigned_at is not None:
                officials = unit.officials
                out["responsibility"].append((ids.responsibility, case_id, officials[rng.randint(0, 1)], officials[1],
                                              officials[3], officials[0], rng.choice(v.PLANS), deadline, "息诉罢访",
                                              self._stamp(assigned_at)))
                for official in rng.sample(officials[2:], rng.randint(1, 2)):
                    out["handler"].append((ids.handler, ids.responsibility, official))
                    ids.handler += 1
                ids.responsibility += 1
                entries = rng.randint(5, 15)
            else:
                entries = rng.randint(0, 2)
            for _w in range(entries):
                kind = self.work_kinds[_pick(rng, self.work_cum)]
                day = self._date_between(registered, end)
                out["work"].append((ids.work, case_id, kind, day, names[0] + "、承办人", v.WORK_CONTENT[kind], None,
                                    self._stamp(day)))
                ids.work += 1
            if rng.random() < 0.04:
                day = self._date_between(registered, end)
                out["aid"].append((ids.aid, case_id, Decimal(rng.randint(10, 400) * 500), day,
                                   "aid_fund" if rng.random() < 0.8 else "unit_advance", "司法救助审批表", None,
                                   self._stamp(day)))
                ids.aid += 1
        return out

    def _history(self, registered: dt.date) -> tuple[list[tuple[str, str, dt.date]], dt.date | None, dt.date | None]:
        """Status periods (status, method, from) in strictly increasing dates; the deadline; when assigned."""
        rng, today = self.rng, self.today
        periods: list[tuple[str, str, dt.date]] = [("registered", "", registered)]
        age = (today - registered).days
        if age < 2 or rng.random() < 0.07:
            return periods, (registered + dt.timedelta(days=180)) if rng.random() < 0.5 else None, None
        assigned = registered + dt.timedelta(days=rng.randint(1, min(20, age - 1)))
        periods.append(("in_progress", "", assigned))
        deadline = assigned + dt.timedelta(days=rng.randint(60, 365))
        closing = assigned + dt.timedelta(days=15 + int(rng.expovariate(1 / 320)))

        def add(status: str, method: str, day: dt.date) -> bool:
            if periods[-1][2] < day <= today:
                periods.append((status, method, day))
                return True
            return False

        if closing <= today:
            if rng.random() < 0.3:
                add("closure_requested", "", closing - dt.timedelta(days=rng.randint(1, 14)))
            if rng.random() < 0.82:
                if add("closed_settled", self.methods_pick(), closing) and rng.random() < 0.03:
                    add("in_progress", "", closing + dt.timedelta(days=rng.randint(30, 300)))
            elif add("closed_unsettled", "", closing) and rng.random() < 0.25:
                add("closed_settled", self.methods_pick(), closing + dt.timedelta(days=rng.randint(20, 200)))
        elif rng.random() < 0.08:
            add("closure_requested", "", today - dt.timedelta(days=rng.randint(0, 10)))
        return periods, deadline, assigned

    def methods_pick(self) -> str:
        return METHODS[_pick(self.rng, METHOD_CUM)]


METHODS = ["written_pledge", "terminated", "other"]
METHOD_CUM: list[float] = []
GRADE_CUM: list[float] = []
ACTION_KINDS = ["warning", "notice", "disciplinary", "self_criticism", "other"]


def _cumulative(weights: list[float]) -> list[float]:
    total, out = 0.0, []
    for w in weights:
        total += w
        out.append(total)
    return out


METHOD_CUM[:] = _cumulative([60, 15, 25])
GRADE_CUM[:] = _cumulative([60, 30, 10])


def _pick(rng: random.Random, cum: list[float]) -> int:
    import bisect

    return bisect.bisect_right(cum, rng.random() * cum[-1]) if cum[-1] else 0


def _cumulative_cached(maker: CaseMaker) -> list[float]:
    if not hasattr(maker, "_category_cum"):
        maker._category_cum = _cumulative(maker.category_weights)  # type: ignore[attr-defined]
    return maker._category_cum  # type: ignore[attr-defined]


def _source_cum(maker: CaseMaker) -> list[float]:
    if not hasattr(maker, "_source_cum"):
        maker._source_cum = _cumulative(maker.source_weights)  # type: ignore[attr-defined]
    return maker._source_cum  # type: ignore[attr-defined]


def _chunks(total: int, size: int) -> Iterator[int]:
    while total > 0:
        yield min(size, total)
        total -= size


def generate(cases: int, seed: int = 1, *, verbose: bool = True) -> dict[str, int]:
    """Fill the current database; returns the number of rows written per table."""
    from django.db import connection, transaction
    from django.utils import timezone

    from bench import writer

    rng = random.Random(seed)
    started = time.perf_counter()
    today = timezone.localdate()
    if connection.vendor == "sqlite" and not connection.in_atomic_block:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA synchronous=OFF")
    with transaction.atomic():
        units = build_orgs(rng)
        accounts = build_accounts(units)
    handling, weights = handling_units(units, rng)
    world = World(units, handling, weights, accounts)
    ids = _counters()
    maker = CaseMaker(rng, world, today, ids)
    models = _models()
    totals = {k: 0 for k in TABLE_FIELDS}
    done = 0
    for size in _chunks(cases, CHUNK):
        rows = maker.make_chunk(size)
        with transaction.atomic():
            for table in TABLE_FIELDS:  # parents before children
                if rows[table]:
                    totals[table] += writer.insert(models[table], TABLE_FIELDS[table], rows[table])
        done += size
        if verbose and (done % 100_000 == 0 or done == cases):
            print(f"  {done:>9,} cases  {time.perf_counter() - started:7.1f} s", flush=True)
    writer.reset_sequences(list(models.values()))
    writer.analyse()
    totals["orgs"] = len(units)
    if verbose:
        print(f"generated in {time.perf_counter() - started:.1f} s: "
              + ", ".join(f"{k} {v:,}" for k, v in totals.items()), flush=True)
    # The summary's checkpoints, as the daily job (`qingji report checkpoints`) keeps them.
    from qingji.reports import checkpoints

    built = time.perf_counter()
    made = checkpoints.refresh(today=today)
    if verbose:
        print(f"{sum(made.values())} summary checkpoints built in {time.perf_counter() - built:.1f} s", flush=True)
    return totals


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-migrate", action="store_true", help="do not run migrate first")
    args = parser.parse_args(argv)
    setup_django()
    from django.core.management import call_command

    if not args.no_migrate:
        call_command("migrate", verbosity=0)
    generate(args.cases, args.seed)


if __name__ == "__main__":
    main()
