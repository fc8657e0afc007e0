"""LoRA fine-tuning of the chat model on the store's own support history."""
