"""The bank's OAuth 2.0 authorisation server: clients, PAR, codes with PKCE, tokens, SCA."""
