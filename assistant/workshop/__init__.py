"""Hallucination-discovery workshops: challenge deck, participant scoring, session records. Pure logic; the
Gradio app is assistant/ui/workshop.py."""
