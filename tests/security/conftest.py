"""The contract suite's seeded bank and registered TPP, for the bank-side security tests."""

from tests.contract.conftest import bank, tpp

__all__ = ["bank", "tpp"]
