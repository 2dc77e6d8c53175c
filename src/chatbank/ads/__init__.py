"""Sponsored messages chosen from non-financial signals only (DESIGN.md, "Ads never see money")."""
