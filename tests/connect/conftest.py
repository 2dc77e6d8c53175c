"""The `stack` and `new_user` fixtures live in tests/conftest.py (shared with the assistant)."""
