"""Named UK merchants with their ISO 18245 merchant category codes, and typical spend.

Amounts are integer pence: (lowest, highest) of one purchase.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Merchant:
    name: str
    mcc: str
    low_minor: int
    high_minor: int


@dataclass(frozen=True, slots=True)
class SpendingHabit:
    """How often (per week, on average) a customer buys from one group of merchants."""

    group: str
    merchants: tuple[Merchant, ...]
    per_week: float
    weekdays_only: bool = False
    hours: tuple[int, int] = (9, 21)


GROCERIES = (
    Merchant("Tesco", "5411", 600, 9500),
    Merchant("Sainsbury's", "5411", 700, 8800),
    Merchant("Waitrose", "5411", 900, 7500),
    Merchant("Lidl", "5411", 500, 6000),
    Merchant("Aldi", "5411", 500, 5800),
    Merchant("Co-op Food", "5411", 300, 2500),
    Merchant("M&S Food", "5411", 400, 3500),
)
COFFEE = (
    Merchant("Pret A Manger", "5814", 250, 780),
    Merchant("Costa Coffee", "5814", 260, 650),
    Merchant("Starbucks", "5814", 280, 690),
    Merchant("Caffè Nero", "5814", 250, 620),
)
TRANSPORT = (
    Merchant("TfL Travel Charge", "4111", 175, 860),
)
TRAINS = (
    Merchant("Trainline", "4112", 1250, 8900),
)
RESTAURANTS = (
    Merchant("Dishoom", "5812", 2200, 7800),
    Merchant("Wagamama", "5812", 1400, 4800),
    Merchant("Nando's", "5812", 1200, 4200),
    Merchant("PizzaExpress", "5812", 1500, 5200),
    Merchant("The Ivy Café", "5812", 3000, 9500),
)
FAST_FOOD = (
    Merchant("McDonald's", "5814", 350, 1200),
    Merchant("Greggs", "5814", 180, 750),
    Merchant("KFC", "5814", 450, 1400),
    Merchant("Deliveroo", "5814", 1500, 3800),
)
SHOPPING = (
    Merchant("Amazon.co.uk", "5999", 700, 6500),
    Merchant("John Lewis", "5311", 1500, 14000),
    Merchant("Uniqlo", "5651", 1500, 8000),
    Merchant("Boots", "5912", 300, 3500),
    Merchant("Currys", "5732", 2000, 25000),
    Merchant("Waterstones", "5942", 800, 3000),
)
PUBS = (
    Merchant("Wetherspoon", "5813", 400, 2800),
    Merchant("The Crown & Anchor", "5813", 500, 3500),
)

HABITS = (
    SpendingHabit("groceries", GROCERIES, 2.6),
    SpendingHabit("coffee", COFFEE, 3.0, weekdays_only=True, hours=(7, 11)),
    SpendingHabit("transport", TRANSPORT, 4.5, weekdays_only=True, hours=(7, 19)),
    SpendingHabit("trains", TRAINS, 0.15),
    SpendingHabit("restaurants", RESTAURANTS, 0.9, hours=(12, 22)),
    SpendingHabit("fast_food", FAST_FOOD, 0.8, hours=(11, 22)),
    SpendingHabit("shopping", SHOPPING, 0.6),
    SpendingHabit("pubs", PUBS, 0.7, hours=(17, 23)),
)

# Monthly card subscriptions: (merchant, day of month).
SUBSCRIPTIONS = (
    (Merchant("Netflix", "4899", 1099, 1099), 3),
    (Merchant("Spotify", "4899", 1199, 1199), 12),
    (Merchant("Amazon Prime", "4899", 899, 899), 19),
    (Merchant("Apple iCloud", "4899", 299, 299), 22),
)

# Monthly direct debits: (originator, day of month, lowest, highest); highest > lowest varies.
DIRECT_DEBITS = (
    ("Octopus Energy", 7, 6500, 16500),
    ("Thames Water", 10, 3400, 3400),
    ("Lambeth Council Tax", 1, 15600, 15600),
    ("BT Broadband", 14, 3999, 3999),
    ("EE Mobile", 18, 1800, 2600),
    ("PureGym", 2, 2499, 2499),
)

EMPLOYERS = ("Acme Analytics Ltd", "Northwind Trading plc", "Globex UK Ltd", "Initech Services",
             "Umbrella Health NHS Trust", "Stark Engineering Ltd")
LANDLORDS = ("Foxtons Lettings", "Greenway Property Mgmt", "M. Patel (landlord)",
             "Hamptons Lettings")
FRIENDS = ("Sam Taylor", "Priya Shah", "Tom Okafor", "Mum", "Jess Morgan", "Ali Hassan")

