"""Composition root: the only place that builds adapters and wires the services together."""

from __future__ import annotations

from dataclasses import dataclass

from redis.asyncio import BlockingConnectionPool, Redis
from sqlalchemy.ext.asyncio import AsyncEngine

from chatbank.ads.services import AdService
from chatbank.assistant.adapters.sql_state import SqlDialogueStates
from chatbank.assistant.cards import REPLY_CARD_KIND, REPLY_CARD_SCHEMA
from chatbank.assistant.service import Assistant, load_nlu_async
from chatbank.assistant.skills.balances import Balances
from chatbank.assistant.skills.base import Skill
from chatbank.assistant.skills.conversation import SmallTalk
from chatbank.assistant.skills.linking import LinkBank, UnlinkBank
from chatbank.assistant.skills.money_skills import money_and_card_skills
from chatbank.assistant.skills.privacy import PrivacyQuestion
from chatbank.assistant.skills.spending import SpendingSummary
from chatbank.assistant.skills.support import SupportAnswers
from chatbank.assistant.skills.transactions import SearchTransactions
from chatbank.assistant.skills.upcoming import UpcomingPayments
from chatbank.channels.adapters.assistant_chat import MessengerAssistantChat
from chatbank.channels.adapters.graph import MessengerSendApi, WhatsAppCloudApi
from chatbank.channels.bridge import AssistantRelay, PaymentCardTap
from chatbank.channels.model import Channel
from chatbank.channels.outbox import ChannelOutbox
from chatbank.channels.ports import ChannelSender
from chatbank.channels.services import ChannelConfig, ChannelService
from chatbank.config import Settings
from chatbank.connect.directory import BankDirectory
from chatbank.connect.gateway import DataGateway
from chatbank.connect.links import Links
from chatbank.connect.ob_client import OpenBankingClient
from chatbank.connect.pisp import PaymentInitiation
from chatbank.connect.signing import RequestSigner
from chatbank.connect.vault import Vault
from chatbank.core.clock import Clock, SystemClock
from chatbank.core.ratelimit import MemoryRateLimiter, RateLimiter
from chatbank.db import create_engine_for_url
from chatbank.db.engine import is_sqlite, sync_sqlite_url
from chatbank.messenger.adapters.message_writers import AsyncEngineWriter, GroupCommitSqliteWriter
from chatbank.messenger.adapters.redis_bus import RedisPublisher, RedisRateLimiter
from chatbank.messenger.cards import CardRegistry, default_card_registry
from chatbank.messenger.model import User
from chatbank.messenger.notices import BotNotices
from chatbank.messenger.ports import EventPublisher, MessageWriter
from chatbank.messenger.realtime import Hub, LocalPublisher
from chatbank.messenger.services.accounts import Accounts
from chatbank.messenger.services.conversations import Conversations
from chatbank.messenger.services.events import message_to_wire
from chatbank.messenger.services.messages import Messages
from chatbank.messenger.unit_of_work import MessengerStore
from chatbank.payments import (
    PaymentExecution,
    Payments,
    PaymentsContext,
    PaymentSweeper,
    PaymentTracker,
    ReceivingAccounts,
)
from chatbank.payments.adapters.chat import MessengerChat
from chatbank.payments.cards import (
    PAYMENT_CARD_KIND,
    PAYMENT_CARD_SCHEMA,
    RECEIPT_CARD_KIND,
    RECEIPT_CARD_SCHEMA,
)
from chatbank.payments.model import PaymentLimits
from chatbank.payments.transactions import PaymentStore
from chatbank.privacy.audit_log import AuditLog
from chatbank.privacy.centre import PrivacyCentre

PLATFORM_SIGNING_KEY_FILE = "platform-signing-key.pem"  # its public JWK is registered at banks


@dataclass
class Messenger:
    hub: Hub
    publisher: EventPublisher
    limiter: RateLimiter
    cards: CardRegistry
    accounts: Accounts
    conversations: Conversations
    messages: Messages
    redis: Redis | None


@dataclass
class Platform:
    """Everything a platform instance runs on, built once at start-up."""

    settings: Settings
    clock: Clock
    engine: AsyncEngine
    messenger: Messenger
    bot: User
    notices: BotNotices
    directory: BankDirectory
    ob: OpenBankingClient
    vault: Vault
    audit: AuditLog
    links: Links
    gateway: DataGateway
    assistant: Assistant
    privacy: PrivacyCentre
    payments: PaymentsContext | None = None
    ads: AdService | None = None
    channels: ChannelService | None = None

    @property
    def hub(self) -> Hub:
        return self.messenger.hub

    @property
    def accounts(self) -> Accounts:
        return self.messenger.accounts

    @property
    def conversations(self) -> Conversations:
        return self.messenger.conversations

    @property
    def messages(self) -> Messages:
        return self.messenger.messages

    @property
    def cards(self) -> CardRegistry:
        return self.messenger.cards

    async def close(self) -> None:
        if isinstance(self.messenger.publisher, RedisPublisher):
            await self.messenger.publisher.stop()
        if self.messenger.redis is not None:
            await self.messenger.redis.aclose()
        await self.assistant.drain()
        if self.payments is not None:
            await self.payments.close()
        if self.channels is not None:
            await self.channels.stop()
        await self.messages.writer.close()
        await self.ob.close()
        await self.engine.dispose()


async def build_messenger(settings: Settings, engine: AsyncEngine, clock: Clock) -> Messenger:
    """The messenger: local fan-out by default, Redis pub/sub when `redis_url` is set."""
    hub = Hub()
    redis: Redis | None = None
    publisher: EventPublisher
    limiter: RateLimiter
    if settings.redis_url:
        # A blocking pool waits for a free connection instead of failing at once when busy.
        redis = Redis.from_pool(BlockingConnectionPool.from_url(
            settings.redis_url, max_connections=64, timeout=5))
        redis_publisher = RedisPublisher(hub, redis)
        await redis_publisher.start()
        publisher, limiter = redis_publisher, RedisRateLimiter(redis)
    else:
        publisher, limiter = LocalPublisher(hub), MemoryRateLimiter()
    store = MessengerStore(engine)
    cards = default_card_registry()
    accounts = Accounts(store, clock, limiter, settings.session_ttl_s,
                        settings.login_attempts_per_window, settings.login_window_s)
    conversations = Conversations(store, clock, publisher, settings.max_group_members)
    url = settings.resolved_database_url
    writer: MessageWriter = (
        GroupCommitSqliteWriter(sync_sqlite_url(url), clock, message_to_wire) if is_sqlite(url)
        else AsyncEngineWriter(engine, clock, message_to_wire))
    messages = Messages(store, clock, publisher, cards, settings.max_message_chars, writer)
    return Messenger(hub, publisher, limiter, cards, accounts, conversations, messages, redis)


async def build_platform(settings: Settings, clock: Clock | None = None) -> Platform:
    """Wire a platform instance from settings (SQLite by default, PostgreSQL + Redis at scale)."""
    clock = clock or SystemClock()
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    engine = create_engine_for_url(settings.resolved_database_url)
    messenger = await build_messenger(settings, engine, clock)
    bot = await messenger.accounts.create_bot(settings.assistant_handle, "chatbank assistant")
    notices = BotNotices(bot, messenger.conversations, messenger.messages)
    directory = BankDirectory.from_json(settings.banks)
    ob = OpenBankingClient()
    vault = Vault.from_secret(engine, settings.key_encryption_key, clock)
    audit = AuditLog(engine, clock, bank_name=lambda bank: bank)
    links = Links(engine, directory, ob, vault, audit, notices, clock,
                  f"{settings.public_url.rstrip('/')}/connect/callback")
    gateway = DataGateway(links, directory, ob, audit, clock)
    payments = await build_payments(settings, engine, messenger, directory, ob, vault, audit,
                                    links, gateway, clock)
    assistant = build_assistant(engine, messenger, bot, links, directory, gateway, clock,
                                payments)
    ads_engine = (create_engine_for_url(settings.ads_database_url, pool_size=2)
                  if settings.ads_database_url else engine)
    ads = AdService(ads_engine, clock)
    privacy = PrivacyCentre(messenger.accounts, messenger.conversations, messenger.messages,
                            links, vault, audit)
    channels = build_channels(settings, engine, clock, messenger, bot, audit, payments)
    return Platform(settings, clock, engine, messenger, bot, notices, directory, ob, vault,
                    audit, links, gateway, assistant, privacy, payments, ads, channels)


def build_channels(settings: Settings, engine: AsyncEngine, clock: Clock, messenger: Messenger,
                   bot: User, audit: AuditLog,
                   payments: PaymentsContext | None) -> ChannelService:
    """Messenger and WhatsApp (each on when its token is set): webhooks in, outbox out."""
    senders: dict[Channel, ChannelSender] = {}
    if settings.messenger_page_token:
        senders[Channel.MESSENGER] = MessengerSendApi(settings.graph_api_url,
                                                      settings.messenger_page_token)
    if settings.whatsapp_token and settings.whatsapp_phone_number_id:
        senders[Channel.WHATSAPP] = WhatsAppCloudApi(
            settings.graph_api_url, settings.whatsapp_phone_number_id, settings.whatsapp_token)
    outbox = ChannelOutbox(engine, clock, senders, audit, settings.channel_retry_base_ms)
    chat = MessengerAssistantChat(MessengerStore(engine), messenger.conversations,
                                  messenger.messages, bot)
    config = ChannelConfig(settings.channel_app_secret, settings.channel_verify_token,
                           settings.public_url, settings.channel_link_ttl_s)
    service = ChannelService(engine, clock, config, outbox, chat)
    if senders:
        relay = AssistantRelay(service, bot.id)
        messenger.messages.observers.append(relay)
        service.on_stop.append(relay.drain)
        if payments is not None:
            payments.payments.chat = PaymentCardTap(payments.payments.chat, relay)
        service.start()
    return service


async def build_payments(settings: Settings, engine: AsyncEngine, messenger: Messenger,
                         directory: BankDirectory, ob: OpenBankingClient, vault: Vault,
                         audit: AuditLog, links: Links, gateway: DataGateway,
                         clock: Clock) -> PaymentsContext:
    """Payments in chats: PISP with the platform's signing key (registered at each bank)."""
    messenger.cards.register(PAYMENT_CARD_KIND, PAYMENT_CARD_SCHEMA)
    messenger.cards.register(RECEIPT_CARD_KIND, RECEIPT_CARD_SCHEMA)
    key = RequestSigner.load_or_create(settings.data_dir / PLATFORM_SIGNING_KEY_FILE)
    pisp = PaymentInitiation(directory, ob, key,
                             f"{settings.public_url.rstrip('/')}/payments/callback")
    store = PaymentStore(engine)
    chat = MessengerChat(MessengerStore(engine), messenger.messages, messenger.conversations)
    receiving = ReceivingAccounts(store, links, gateway, vault, clock)
    limits = PaymentLimits(settings.payment_limit_minor, settings.payment_daily_limit_minor)
    payments = Payments(store, chat, receiving, audit, clock, limits, receipts=chat)
    execution = PaymentExecution(payments, store, pisp, links, vault, gateway)
    tracker = PaymentTracker(execution, store)
    await tracker.resume()
    sweeper = PaymentSweeper(payments, store)
    sweeper.start()
    return PaymentsContext(payments, execution, receiving, tracker, chat, sweeper)


def build_assistant(engine: AsyncEngine, messenger: Messenger, bot: User, links: Links,
                    directory: BankDirectory, gateway: DataGateway, clock: Clock,
                    payments: PaymentsContext | None = None) -> Assistant:
    """The assistant bot, listening to every message posted to it."""
    messenger.cards.register(REPLY_CARD_KIND, REPLY_CARD_SCHEMA)
    skills: list[Skill] = [Balances(gateway), LinkBank(links, directory),
                           UnlinkBank(links, directory), SmallTalk()]
    skills += money_and_card_skills(gateway, payments)
    skills += [SearchTransactions(gateway), SpendingSummary(gateway), UpcomingPayments(gateway)]
    skills.append(PrivacyQuestion(links, directory, AuditLog(engine, clock, lambda bank: bank)))
    assistant = Assistant(bot, messenger.messages, messenger.conversations,
                          SqlDialogueStates(engine), load_nlu_async, skills, SupportAnswers(),
                          clock)
    messenger.messages.observers.append(assistant)
    messenger.accounts.after_sign_up.append(assistant.welcome)
    return assistant
