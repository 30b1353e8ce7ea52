"""Output writers (atomic) and plan readers."""
