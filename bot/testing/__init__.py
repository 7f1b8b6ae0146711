"""Stand-ins for remote services, speaking their real protocols on 127.0.0.1.

Tests and benchmarks point the real SDKs at these; nothing in the running bot imports them.
"""
