"""What a bot is made of, wired in one place: the model backend, the knowledge, the
conversation store, the scorer, the escalation policy, the order assistant, and the parts
built from them. Cheap to construct: each part is built when first needed."""

from __future__ import annotations

from bot.answering import KnowledgeAnswers
from bot.backends import ChatBackend, make_backend
from bot.cpu import CpuPool
from bot.discovery import ProductFinder
from bot.escalation import EscalationPolicy
from bot.humans import HumanDesk
from bot.knowledge import Knowledge
from bot.offline import HandoffNotice
from bot.orders.assistant import OrderAssistant
from bot.orders.meaning import chinese_embed
from bot.replier import Replier
from bot.sentiment import SentimentScorer, make_scorer
from bot.settings import BUNDLED, Settings
from bot.store import ConversationStore, SQLConversationStore


class BotParts:
    """The parts of one `ShopBot`; those not given are built from the settings when needed."""

    def __init__(
        self,
        settings: Settings,
        *,
        backend: ChatBackend | None = None,
        knowledge: Knowledge | None = None,
        store: ConversationStore | None = None,
        scorer: SentimentScorer | None = None,
        policy: EscalationPolicy | None = None,
        orders: OrderAssistant | None = None,
    ) -> None:
        self.settings = settings
        self.owns_backend = backend is None
        self.backend = backend or make_backend(settings)
        self.scorer = scorer or make_scorer(settings)
        self.policy = policy or EscalationPolicy(settings.escalation)
        self.cpu = CpuPool(settings.cpu_threads)
        self._knowledge = knowledge
        self._store = store
        self._orders = orders
        self._orders_built = orders is not None
        self._answers: KnowledgeAnswers | None = None
        self._discovery: ProductFinder | None = None
        self._desk: HumanDesk | None = None
        self._replier: Replier | None = None
        self._notice: HandoffNotice | None = None

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            from retrieval import KnowledgeBase

            self._knowledge = KnowledgeBase(self.settings)
        return self._knowledge

    @property
    def store(self) -> ConversationStore:
        if self._store is None:
            self._store = SQLConversationStore(self.settings.resolved_database_url)
        return self._store

    @property
    def orders(self) -> OrderAssistant | None:
        """The order assistant, or None when no order system is configured."""
        if not self._orders_built:
            from bot.orders.audit import MemoryAuditLog, SQLAuditLog
            from bot.orders.factory import build_order_system

            system = build_order_system(self.settings)
            if system is not None:
                engine = getattr(self.store, "engine", None)
                audit = SQLAuditLog(engine) if engine is not None else MemoryAuditLog()
                self._orders = OrderAssistant(system, self.settings.orders, audit)
            self._orders_built = True
        return self._orders

    @property
    def reads_orders_with_model(self) -> bool:
        """Whether the chat model reads order messages too (not the bundled small model)."""
        mode = self.settings.orders.model_reader
        return mode == "on" or (mode == "auto" and self.settings.model != BUNDLED)

    @property
    def answers(self) -> KnowledgeAnswers:
        if self._answers is None:
            self._answers = KnowledgeAnswers(self.settings, self.backend, self.knowledge, self.cpu)
        return self._answers

    @property
    def discovery(self) -> ProductFinder:
        """Finds products in the catalog for a shopper who is looking for something."""
        if self._discovery is None:
            embedder = getattr(self.knowledge, "embedder", None)
            self._discovery = ProductFinder(
                self.knowledge,  # type: ignore[arg-type]
                getattr(embedder, "embed", None),
                cjk_embed=chinese_embed(embedder),
            )
        return self._discovery

    @property
    def notice(self) -> HandoffNotice:
        """What a hand-off tells the shopper, from the team's business hours."""
        if self._notice is None:
            self._notice = HandoffNotice(self.settings.hours, self.policy)
        return self._notice

    @property
    def desk(self) -> HumanDesk:
        if self._desk is None:
            self._desk = HumanDesk(self.store, self.policy, self.settings, self.notice)
        return self._desk

    @property
    def replier(self) -> Replier:
        if self._replier is None:
            self._replier = Replier(self.store, self.desk, self.notice)
        return self._replier

    def close(self) -> None:
        """Release what was started here (a backend passed in is left to its owner)."""
        if self.owns_backend:
            self.backend.close()
        self.cpu.close()
