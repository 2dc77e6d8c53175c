"""Interbank clearing between sandbox banks (Faster Payments-like: submit, accept/reject, settle).

The scheme is its own ASGI app with its own database (`create_scheme_app`). Banks talk to it, and
it to them, only over HTTP with HMAC-signed requests (`protocol`). See docs/scheme.md.
"""
