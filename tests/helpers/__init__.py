"""Shared helpers of the robustness tests (crash, concurrency, fuzz, hostile fs, round trip)."""
