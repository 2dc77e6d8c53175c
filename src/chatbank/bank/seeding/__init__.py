"""Internals of `chatbank.bank.seed`: merchant catalogue, customer records, history plans."""
