"""Layer 4."""
