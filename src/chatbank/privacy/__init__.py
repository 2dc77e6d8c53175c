"""Purposes, policy, hash-chained audit log and the privacy centre (issue 5)."""
