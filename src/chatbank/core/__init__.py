"""Shared kernel: identifiers, money, clock and coded errors. Pure Python, no frameworks."""
