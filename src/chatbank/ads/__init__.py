"""Sponsored messages chosen from non-financial signals only (DESIGN.md, "Ads never see money").

Public surface: the pure choice, the service the conversation list calls, and the PostgreSQL
role set-up. Nothing here imports a context that holds bank data (import-linter contract).
"""

from chatbank.ads.model import Ad, AdProfile, Interest, choose_ad
from chatbank.ads.roles import ADS_ROLE, ads_database_url, create_ads_role
from chatbank.ads.services import AdService

__all__ = ["ADS_ROLE", "Ad", "AdProfile", "AdService", "Interest", "ads_database_url",
           "choose_ad", "create_ads_role"]
