"""Evaluation: eval-set reading, metrics (pure) and, later, the batch runner and reports."""
