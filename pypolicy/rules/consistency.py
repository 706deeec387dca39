"""Layer 3."""
