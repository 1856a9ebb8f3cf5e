"""The auditors' read side: the event history with field-level changes, the whole plan as it
stood at any instant, and the difference between two instants.

Everything here reads the existing read models (the timeline, the temporal commitment history,
roadblocks, accountability facts); nothing replays the log.
"""
