"""Read API over the read models: plain functions taking the views database, returning dicts.

Import the module you need, e.g. `from projections.queries import board`.
"""
