"""Versions: of the package, and of the format it reads and writes."""

__version__ = "0.1.0"
FORMAT_VERSION = "1.0.0"
