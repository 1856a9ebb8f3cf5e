"""The `cx-tracker` command line."""
