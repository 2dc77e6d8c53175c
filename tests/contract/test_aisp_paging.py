"""Walking `/transactions` by `Links.Next`: every page valid, every line once, in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.contract.banks import RunningBank
from tests.contract.openapi_check import check_exchange
from tests.contract.test_aisp_contract import bearer
from tests.contract.tpp import AISP, ALL_READS, Tpp

DEBITS_ONLY = [p for p in ALL_READS if p != "ReadTransactionsCredits"]


def walk(tpp: Tpp, headers: dict[str, str], url: str,
         params: dict[str, str]) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Every page from `url` on, following `Links.Next`; (pages' Meta+Links, lines)."""
    first = check_exchange(tpp.http.get(url, params=params, headers=headers))
    pages = [first.json()]
    while "Next" in pages[-1]["Links"]:
        assert len(pages) <= pages[0]["Meta"]["TotalPages"], "Next must stop at TotalPages"
        pages.append(check_exchange(tpp.http.get(pages[-1]["Links"]["Next"],
                                                 headers=headers)).json())
    lines = [line for page in pages for line in page["Data"]["Transaction"]]
    return pages, lines


def test_following_next_reads_each_line_of_the_window_once_newest_first(
        bank: RunningBank, tpp: Tpp) -> None:
    account_id = bank.account_ids("alice")[0]
    since = (datetime.now(UTC) - timedelta(days=75)).replace(microsecond=0)
    until = since + timedelta(days=60)
    window = {"fromBookingDateTime": since.isoformat(), "toBookingDateTime": until.isoformat()}
    url = f"{AISP}/accounts/{account_id}/transactions"
    everyone = bearer(tpp.tokens_for(tpp.create_account_consent(),
                                     accounts=[account_id])["access_token"])
    pages, lines = walk(tpp, everyone, url, window)
    size = len(pages[0]["Data"]["Transaction"])
    assert len(pages) == pages[0]["Meta"]["TotalPages"] >= 3
    assert all(len(p["Data"]["Transaction"]) == size for p in pages[:-1])
    assert 0 < len(pages[-1]["Data"]["Transaction"]) <= size
    assert len({t["TransactionId"] for t in lines}) == len(lines)
    moments = [datetime.fromisoformat(t["BookingDateTime"]) for t in lines]
    assert moments == sorted(moments, reverse=True)
    assert since <= moments[-1] and moments[0] < until

    debits_only = bearer(tpp.tokens_for(tpp.create_account_consent(DEBITS_ONLY),
                                        accounts=[account_id])["access_token"])
    debit_pages, debits = walk(tpp, debits_only, url, window)
    assert [t["TransactionId"] for t in debits] == [
        t["TransactionId"] for t in lines if t["CreditDebitIndicator"] == "Debit"]
    assert len(debit_pages) == -(-len(debits) // size)
    assert 0 < len(debits) < len(lines)


def test_a_page_after_the_last_is_empty_and_points_nowhere(bank: RunningBank,
                                                          tpp: Tpp) -> None:
    account_id = bank.account_ids("alice")[0]
    user = bearer(tpp.tokens_for(tpp.create_account_consent(),
                                 accounts=[account_id])["access_token"])
    url = f"{AISP}/accounts/{account_id}/transactions"
    total = check_exchange(tpp.http.get(url, headers=user)).json()["Meta"]["TotalPages"]
    after = check_exchange(tpp.http.get(url, params={"page": str(total + 1)}, headers=user))
    body = after.json()
    assert after.status_code == 200
    assert body["Data"]["Transaction"] == [] and "Next" not in body["Links"]
    assert body["Meta"]["TotalPages"] == total
