"""Bank directory, link flow, token vault, data gateway and PISP client (issue 5)."""
