"""Sponsored messages chosen from non-financial signals only (see DESIGN.md, "Ads never see money")."""
