"""Prefect flows (composition only) and the taskspace CLI."""
