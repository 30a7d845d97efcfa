"""Field encryption, blind indexes and key management. Domains call this; never the reverse."""

from .cipher import DecryptionFailed
from .fields import REGISTRY, Encrypted
from .keys import KeyRing, KeyRingError

__all__ = ["DecryptionFailed", "Encrypted", "KeyRing", "KeyRingError", "REGISTRY"]
