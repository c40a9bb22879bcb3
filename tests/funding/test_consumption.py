"""The consumption table: what each role sees, and no small figure given away by difference."""

from __future__ import annotations

import pytest

from essor.funding.selectors import consumption
from tests.conftest import Cast
from tests.factories import make_company

from .helpers import file_request, fund, grant, plan_validated

pytestmark = pytest.mark.django_db


def test_aggregate_viewers_cannot_find_a_small_figure_by_difference(cast: Cast) -> None:
    fund(cast.region_a.pk, 1_000_000)
    fund(cast.region_b.pk, 1_000_000)
    for i in range(5):  # five firms in region A, with grants
        grant(
            file_request(
                plan_validated(make_company(n=700 + i, department="69")), amount_euros=10_000
            )
        )
    # One firm in region B, with a zero-rate loan.
    loan = file_request(
        plan_validated(cast.company_b), amount_euros=50_000, instrument="zero_rate_loan",
        costs={"equipment": 100_000},
    )  # fmt: skip
    grant(loan)

    steering = consumption(user=cast.users["steering"])
    rows = {row.region.code: row for row in steering.rows}
    assert not rows["84"].hidden and rows["84"].total.committed == 50_000_00
    assert rows["53"].hidden
    # France minus region A would give region B's single firm away.
    assert steering.total_hidden
    # By instrument: national only; the loan concerns one firm, and the grant total would
    # give it away too (France − grants), so both are hidden.
    assert all(cell.hidden for row in steering.rows for cell in row.by_instrument.values())
    assert all(cell.hidden for cell in steering.by_instrument.values())

    admin = consumption(user=cast.users["admin"])
    assert not admin.total_hidden and admin.total.committed == 100_000_00
    assert not any(cell.hidden for cell in admin.by_instrument.values())
    manager = consumption(user=cast.users["manager_a"])
    assert [row.region.code for row in manager.rows] == ["84"]
    assert not manager.national
