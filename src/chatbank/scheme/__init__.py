"""Interbank clearing between sandbox banks (issue 4)."""
