"""The bank's own HTML pages: sign-in, SCA, consent approval and the access dashboard."""
