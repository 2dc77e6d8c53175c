"""Understanding: intents (BANKING77 + product intents) and slots, locally on the CPU.

    nlu = load_nlu()
    result = nlu.parse("send sam 20 quid", today=date.today(), contacts=["Sam Smith"])
"""

from chatbank.assistant.nlu.parse import Counterparty, Nlu, Parse, Slots, load_nlu
from chatbank.assistant.nlu.slots.amounts import AmountSlot, find_amounts, parse_amount
from chatbank.assistant.nlu.slots.hints import Category, find_account, find_card, find_category
from chatbank.assistant.nlu.slots.names import NameMatch, find_name, find_names, match_name
from chatbank.assistant.nlu.slots.periods import PeriodSlot, find_periods, parse_period

__all__ = [
    "AmountSlot", "Category", "Counterparty", "NameMatch", "Nlu", "Parse", "PeriodSlot", "Slots",
    "find_account", "find_amounts", "find_card", "find_category", "find_name", "find_names",
    "find_periods", "load_nlu", "match_name", "parse_amount", "parse_period",
]
