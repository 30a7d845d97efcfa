"""Backup and restore of the database (ciphertext only; keys are kept apart)."""
