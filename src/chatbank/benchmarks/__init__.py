"""Benchmarks run by `chatbank bench …`; each prints ratios against a baseline from the same run.

They live inside the package so that an installed wheel can run them; nothing here is imported
by the platform itself.
"""
