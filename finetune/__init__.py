"""LoRA fine-tuning of the chat model on the store's own support history.

``finetune(settings, data=..., out=...) -> FinetuneReport`` is the Python API; torch, peft and
transformers are imported only when it runs (`pip install 'shopbot[finetune]'`).
"""

from finetune.run import FinetuneReport, finetune

__all__ = ["FinetuneReport", "finetune"]
