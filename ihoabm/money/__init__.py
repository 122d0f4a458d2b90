"""Money: payment forms (one class each, in a registry), contracts, the ledger, the ICB and year-end settlement.

Payment regimes live here and only here: they decide who pays whom in which form. Providers see only the
prices, budgets and capacities that result.
"""
