from fractions import Fraction

from hypothesis import given
from hypothesis import strategies as st

from qingji.lib.rates import rate


@given(whole=st.integers(min_value=1, max_value=10**9), data=st.data())
def test_it_rounds_every_rate_half_up_like_the_exact_fraction(whole, data):
    part = data.draw(st.integers(min_value=0, max_value=whole))
    tenths = Fraction(part * 1000, whole)  # the rate in tenths of a percent
    expected = int(tenths) + (1 if tenths - int(tenths) >= Fraction(1, 2) else 0)
    assert rate(part, whole) == f"{expected // 10}.{expected % 10}"


def test_it_gives_no_rate_for_an_empty_group():
    assert rate(0, 0) is None
