"""The platform-neutral core: it imports no platform or LLM SDK."""
