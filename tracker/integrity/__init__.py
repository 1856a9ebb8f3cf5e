"""Integrity: a hash chain over the global event order, seals, verification, bundles, backups.

- `records`: the stored events as the chain sees them, independent of the event classes.
- `chain`: the links; `walk`: one pass over a log that builds the chain and compares it with
  what was recorded when sealing (`ledger`) or stated in a bundle.
- `seals`: checkpoints kept outside the system; `sealing`: making one; `verify`: checking.
- `bundle`: the self-contained JSON Lines export; `backup`: an online copy of the data directory.

See docs/integrity.md for the formats.
"""
