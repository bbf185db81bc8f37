"""Evaluation: eval-set reading, metrics (pure), the batch runner (same path as `ask`) and the reports."""
