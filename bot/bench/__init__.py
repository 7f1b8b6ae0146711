"""Benchmarks run by `mentorbot bench …` and `make bench`; numbers in docs/performance.md."""
