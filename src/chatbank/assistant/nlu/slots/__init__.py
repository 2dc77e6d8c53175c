"""Deterministic slot parsers: amounts, periods, names, and account/card/category hints."""
