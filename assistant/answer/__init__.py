"""passages → answer: the prompt (passages framed as quoted data, injection masking) and extractive answers."""
