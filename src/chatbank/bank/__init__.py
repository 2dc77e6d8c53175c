"""The sandbox bank: ledger, accounts, OAuth server with SCA, UK Open Banking API (issue 4)."""
