"""Invariant checking under faults: real processes, SIGKILLed at random, then a checker.

`chatbank chaos --minutes N` runs the workloads for N minutes; `tests/chaos/` runs a short form.
See docs/chaos.md.
"""
