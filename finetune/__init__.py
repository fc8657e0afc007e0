"""LoRA fine-tuning of the chat model on the store's own support history, with the gate that
decides whether the new model goes into service.

``finetune(settings, data=..., out=...) -> FinetuneReport`` is the Python API; torch, peft and
transformers are imported only when it runs (`pip install 'shopbot[finetune]'`). It may import
`bot` (the prompt format, the fact checks, settings and errors), never `ui` or `evals`.
"""

from finetune.run import FinetuneReport, finetune

__all__ = ["FinetuneReport", "finetune"]
