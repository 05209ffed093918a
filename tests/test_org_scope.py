from qingji.organisations.models import Org
from qingji.organisations.selectors import visible_orgs


def codes(user) -> set[str]:
    return set(visible_orgs(user).values_list("code", flat=True))


def test_it_shows_a_city_committee_every_unit_in_its_region(users):
    assert codes(users["committee"]) == {
        "QH-ZFW", "QH-ZY", "QH-QY-FY", "QH-HY-FY", "QH-AP-FY", "QH-YN-FY", "QH-JCY", "QH-GAJ", "QH-SFJ",
    }


def test_it_shows_the_intermediate_court_its_basic_courts(users):
    assert codes(users["court"]) == {"QH-ZY", "QH-QY-FY", "QH-HY-FY", "QH-AP-FY", "QH-YN-FY"}


def test_it_shows_a_basic_court_only_itself(users):
    assert codes(users["court_a"]) == {"QH-QY-FY"}


def test_it_shows_the_province_committee_both_cities(users):
    seen = codes(users["province"])
    assert {"QH-QY-FY", "BY-ZY", "QH-GAJ", "JC-GY"} <= seen
    assert seen == set(Org.objects.values_list("code", flat=True))


def test_it_keeps_a_sibling_city_out_of_scope(users):
    assert "BY-ZY" not in codes(users["committee"])
    assert "QH-ZY" not in codes(users["outsider"])


def test_it_inherits_the_region_code_from_the_superior(city):
    from qingji.organisations.services import org_create

    township = org_create(actor=None, code="QH-QY-XZ", name="清源区某镇", kind="township", level="township",
                          superior=city["QH-QY-FY"])
    assert township.region_code == "990102"
