"""Evaluation, benchmark and comparison tools. They import the runtime (`bot`, `retrieval`,
`finetune`); the runtime never imports them."""
