"""Reminders and digests: what is due to be told at an instant (`compose`), and telling it
(`remind`): recorded first as Notice events, then e-mailed or put in the outbox."""
