"""Talking to a running citebot daemon from another process (standard library only, so `ask` starts fast)."""
