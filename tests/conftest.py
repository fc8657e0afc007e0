"""Shared fixtures. Expensive things (the vLLM engine, the embedder) start once per session."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.model_files import force_offline
from bot.settings import Settings

force_offline()

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "data"
# Converted models are kept across test runs so that only the first run pays for conversion.
MODELS_CACHE = ROOT / ".shopbot" / "test-models"


def make_settings(home: Path, **values: object) -> Settings:
    models = home / "models"
    if not models.exists():
        MODELS_CACHE.mkdir(parents=True, exist_ok=True)
        home.mkdir(parents=True, exist_ok=True)
        models.symlink_to(MODELS_CACHE, target_is_directory=True)
    return Settings.model_validate({"home": home, **values})


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return make_settings(tmp_path / "home", engine={"backend": "fake"})


@pytest.fixture(scope="session")
def session_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shopbot-home")


@pytest.fixture(scope="session")
def vllm_backend(session_home: Path) -> Iterator[object]:
    """The real in-process vLLM engine with the bundled model, shared by the whole session."""
    from bot.backends import make_backend

    # Eager mode starts ~40 s sooner; compiled mode is vLLM's own business and is measured
    # by `shopbot bench chat`.
    # 0.5 GiB of KV cache holds ~20k tokens of the 135M model, more than any test asks at once;
    # the default 2 GiB per engine, times the engines a session runs, starves the machine.
    engine = {"enforce_eager": True, "kv_cache_gb": 0.5}
    backend = make_backend(make_settings(session_home, engine=engine))
    backend.warm_up()
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def instruct_backend() -> Iterator[object]:
    """The real engine with the bundled 0.5B instruct model: the path any model but the 135M
    takes (it writes the whole reply), shared by the session. About 2.5x slower than the
    135M: its tests stay few and short."""
    from bot.backends.vllm_engine import VLLMBackend
    from bot.bundled import QWEN_05B
    from bot.model_files import prepare_bundled_chat_model
    from bot.settings import EngineSettings

    folder = prepare_bundled_chat_model(MODELS_CACHE, QWEN_05B)
    # 8 sequences of 2,048 tokens need about 0.2 GiB of KV cache with this model: the
    # default 2 GiB would only take memory from the engines started after it.
    engine = EngineSettings(enforce_eager=True, max_model_len=2048, max_num_seqs=8, kv_cache_gb=0.5)
    backend = VLLMBackend(str(folder), engine)
    backend.warm_up()
    yield backend
    backend.close()


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server for the session (from Debian's packages)."""
    import tempfile

    from tests.servers import postgres_server

    # Not under pytest's own temp folder: that one is private to root, and PostgreSQL runs
    # as its own user.
    with postgres_server(Path(tempfile.mkdtemp(prefix="shopbot-pg-"))) as url:
        yield url


@pytest.fixture(scope="session")
def vllm_serve() -> Iterator[str]:
    """A real `vllm serve` of the bundled model for the session (the remote backend's contract
    and the scale-out stack share it); yields its ``/v1`` base URL once it answers."""
    import tempfile

    from bot.model_files import prepare_bundled_chat_model
    from tests.servers import vllm_server

    folder = prepare_bundled_chat_model(MODELS_CACHE)
    workdir = Path(tempfile.mkdtemp(prefix="shopbot-vllm-serve-"))
    with vllm_server(str(folder), workdir, kv_cache_gb=1) as url:
        yield url


# One real `shopbot serve` for the whole session (the web app's tests and the load benchmark's).
from tests.live import live_server  # noqa: E402, F401

# Modules that start engines of their own (training, the gate's engines and its live server)
# run first, before the session's shared engines are up: together they would need
# more memory than a 24 GiB machine has, and a machine short of memory thrashes for an hour
# rather than failing.
OWN_ENGINES_FIRST = ("tests/finetune/test_end_to_end.py",)


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    def rank(item: pytest.Item) -> int:
        path = item.nodeid.split("::")[0]
        return (
            OWN_ENGINES_FIRST.index(path) if path in OWN_ENGINES_FIRST else len(OWN_ENGINES_FIRST)
        )

    items.sort(key=rank)  # stable: the order within each group is kept
