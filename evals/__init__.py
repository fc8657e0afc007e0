"""Evaluation, benchmarks, the red team and load tools: everything that measures shopbot.

`evals` owns `shopbot eval ...` and `shopbot bench ...` (the CLI imports a target's module only
when that target runs), the scripted shoppers, the red team and its judge, the load generator
and the scale-out stack they start. It may import every runtime package (`bot`, `retrieval`,
`finetune`, `ui`); none of them ever imports `evals`.
"""
