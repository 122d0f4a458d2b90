"""A double-entry ledger of every money transfer, in whole pence so it balances exactly.

Besides the rows, the ledger keeps running totals by contract year and account, and by year and setting, so
a year's result or spending is a look-up, not a scan of every row.
"""

from __future__ import annotations

from collections import defaultdict

import pandas as pd

ACCOUNTS = ("treasury", "icb", "host", "acute", "community", "gp", "ambulance", "prevention", "suppliers",
            "acute_2", "acute_3", "independent")   # further acute trusts and the independent sector (if any)
SETTINGS = ("acute", "community", "primary", "ambulance", "prevention")
COMMISSIONERS = ("icb", "host")   # accounts that pay providers for care


class Ledger:
    """Transfers between accounts. Each transfer is one debit (payer) and one equal credit (payee)."""

    def __init__(self) -> None:
        self.rows: list[tuple[int, int, str, str, int, str]] = []
        self._debits: dict[str, int] = defaultdict(int)
        self._credits: dict[str, int] = defaultdict(int)
        self._net_by_year: dict[tuple[int, str], int] = defaultdict(int)
        self._spend_by_year: dict[int, dict[str, float]] = {}

    def transfer(self, day: int, year: int, payer: str, payee: str, amount: float, category: str) -> int:
        """Move `amount` GBP from payer to payee; a negative amount moves it the other way.

        Returns:
            The amount posted, in pence.
        """
        if payer not in ACCOUNTS or payee not in ACCOUNTS:
            raise ValueError(f"unknown account in transfer {payer} -> {payee}; accounts are {ACCOUNTS}")
        pence = round(amount * 100)
        if pence < 0:
            payer, payee, pence = payee, payer, -pence
        if pence == 0:
            return 0
        self.rows.append((day, year, payer, payee, pence, category))
        self._debits[payer] += pence
        self._credits[payee] += pence
        self._net_by_year[(year, payee)] += pence
        self._net_by_year[(year, payer)] -= pence
        if category in SETTINGS and payer in COMMISSIONERS:
            spend = self._spend_by_year.setdefault(year, dict.fromkeys(SETTINGS, 0.0))
            spend[category] += pence / 100
        return pence

    def balance(self, account: str) -> int:
        """Net pence received by `account` since the start."""
        return self._credits[account] - self._debits[account]

    def year_result(self, account: str, year: int) -> float:
        """Income minus spending of one account in one contract year, GBP."""
        return self._net_by_year.get((year, account), 0) / 100

    def spend_by_setting(self, year: int) -> dict[str, float]:
        """Payments to providers for care by setting in one contract year, GBP."""
        return dict(self._spend_by_year.get(year, dict.fromkeys(SETTINGS, 0.0)))

    def received(self, account: str) -> int:
        """Total pence ever paid to `account` (its credits)."""
        return self._credits[account]

    def totals(self) -> tuple[int, int]:
        """Total debits and total credits over all accounts, in pence."""
        return sum(self._debits.values()), sum(self._credits.values())

    def check_balanced(self) -> None:
        """Raise unless debits equal credits to the penny and the running balances match the rows."""
        debits, credits = self.totals()
        if debits != credits:
            raise AssertionError(f"ledger out of balance: debits {debits} != credits {credits} pence")
        recomputed: dict[str, int] = defaultdict(int)
        for _, _, payer, payee, pence, _ in self.rows:
            recomputed[payer] -= pence
            recomputed[payee] += pence
        for account in ACCOUNTS:
            if recomputed[account] != self.balance(account):
                raise AssertionError(f"ledger account {account} does not match its transfers")
        if sum(recomputed.values()) != 0:
            raise AssertionError("ledger accounts do not net to zero")

    def frame(self) -> pd.DataFrame:
        """All transfers as a table with GBP amounts."""
        df = pd.DataFrame(self.rows, columns=["day", "year", "payer", "payee", "pence", "category"])
        df["amount_gbp"] = df["pence"] / 100
        return df

    def year_flows(self, year: int) -> dict[tuple[str, str, str], int]:
        """Pence by (payer, payee, category) in one contract year."""
        out: dict[tuple[str, str, str], int] = defaultdict(int)
        for _, y, payer, payee, pence, cat in self.rows:
            if y == year:
                out[(payer, payee, cat)] += pence
        return out
