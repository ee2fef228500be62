"""Evaluation commands: score storyline on public benchmark data."""
