"""answer → verdict: the checks that decide (pure) and the one wording of their reasons."""
