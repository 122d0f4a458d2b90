"""Money: contracts, the ledger and settlement."""
