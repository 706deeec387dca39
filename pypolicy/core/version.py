"""Versions: of the package, and of the format it reads and writes."""

__version__ = "0.1.0"
FORMAT_VERSION = "1.1.0"
# Every format version a document may declare: minors add optional properties and terms
# only, so a 1.0 document is a valid 1.1 document and reads the same.
READABLE_FORMAT_VERSIONS = ("1.0.0", "1.1.0")
