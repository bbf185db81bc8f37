"""Gradio apps (chat, workshop). No retrieval or verification logic here: they call the Assistant."""
