"""The flow wired as stages (search → guard → select → generate → verify → fallback) and the factory."""
