"""The model behind a small interface: a prompt goes in, text and token usage stream out.

`AnthropicAnswers` is the real one. Importing the `anthropic` SDK costs about 1.7 s and 86 MB, so
this module does not: `create_anthropic` imports it, and the composition root calls that only
when ANTHROPIC_API_KEY is set.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any, Protocol

from bot.mentor.prompt import Prompt

log = logging.getLogger(__name__)

# Short chat answers; the prompt asks for about 150 words.
ANSWER_MAX_TOKENS = 700
CONNECT_TIMEOUT = 5.0

BUSY = (
    "Claude is very busy right now, so I could not answer, even after trying again. "
    "Please ask again in a minute."
)
UNREACHABLE = "I could not reach Claude in time. Please ask again in a minute."
REFUSED = (
    "The bot's key for Claude was refused, so I cannot answer questions right now. "
    "A moderator can see the details in the bot's log."
)
REJECTED = "Claude could not take this question as it is. Try asking it more briefly."
BROKEN = "Something went wrong while Claude was answering. Please ask again in a minute."


@dataclass
class Usage:
    input_tokens: int = 0
    output_tokens: int = 0
    cache_read_tokens: int = 0
    cache_write_tokens: int = 0

    @property
    def total(self) -> int:
        """Every token sent or received; what the community's daily budget counts."""
        return (
            self.input_tokens
            + self.output_tokens
            + self.cache_read_tokens
            + self.cache_write_tokens
        )


class AnswerFailed(Exception):
    """The model could not answer; `member_message` says so in words a member understands."""

    def __init__(self, reason: str, member_message: str) -> None:
        super().__init__(reason)
        self.reason = reason
        self.member_message = member_message
        # What the member had already seen of the answer when it failed.
        self.shown = ""


class AnswerStream(Protocol):
    # The model's id, stored with each answer; None when no model answers (the offline quotes).
    model: str | None

    def stream(self, prompt: Prompt) -> AsyncIterator[str | Usage]:
        """Text as it is written, then one Usage; raises AnswerFailed."""
        ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True)
class AnthropicOptions:
    api_key: str
    model: str
    base_url: str | None = None
    max_retries: int = 2
    # The member hears something within this long, retries included: text or a clear failure.
    first_token_timeout: float = 12.0
    # A whole answer may not take longer than this, nor pause longer than first_token_timeout.
    answer_timeout: float = 60.0
    max_tokens: int = ANSWER_MAX_TOKENS


def create_anthropic(options: AnthropicOptions) -> AnthropicAnswers:
    import anthropic

    return AnthropicAnswers(anthropic, options)


class AnthropicAnswers:
    """Claude through the official SDK, streaming, with the stable prefix marked for caching."""

    def __init__(self, sdk: Any, options: AnthropicOptions) -> None:
        self._sdk = sdk
        self.options = options
        self.model = options.model
        self._client = sdk.AsyncAnthropic(
            api_key=options.api_key,
            base_url=options.base_url or "https://api.anthropic.com",
            max_retries=options.max_retries,
            # read is the longest silence allowed on the connection, mid-answer included.
            timeout=sdk.Timeout(
                options.answer_timeout,
                connect=min(CONNECT_TIMEOUT, options.first_token_timeout),
                read=options.first_token_timeout,
            ),
        )

    def request(self, prompt: Prompt) -> dict[str, Any]:
        """The Messages API parameters for a prompt (public so tests can read them)."""
        cached = {"type": "ephemeral"}
        system = [
            {"type": "text", "text": block, "cache_control": cached}
            for block in prompt.stable_blocks
        ]
        messages: list[dict[str, Any]] = []
        for turn in prompt.history:
            messages.append({"role": "user", "content": turn.question})
            messages.append({"role": "assistant", "content": turn.answer})
        messages.append({"role": "user", "content": prompt.request})
        return {
            "model": self.options.model,
            "max_tokens": self.options.max_tokens,
            "system": system,
            "messages": messages,
        }

    async def stream(self, prompt: Prompt) -> AsyncIterator[str | Usage]:
        loop = asyncio.get_running_loop()
        started = loop.time()
        last_moment = started + self.options.answer_timeout
        deadline = min(started + self.options.first_token_timeout, last_moment)
        stream = None
        try:
            # Timeouts wrap each wait, never a yield: a deadline must not fire in the caller.
            async with asyncio.timeout_at(deadline):
                stream = await self._client.messages.stream(**self.request(prompt)).__aenter__()
            events = stream.__aiter__()
            while True:
                async with asyncio.timeout_at(deadline):
                    try:
                        event = await anext(events)
                    except StopAsyncIteration:
                        break
                deadline = min(loop.time() + self.options.first_token_timeout, last_moment)
                if event.type == "content_block_delta" and event.delta.type == "text_delta":
                    yield event.delta.text
            usage = stream.current_message_snapshot.usage
            yield Usage(
                input_tokens=usage.input_tokens or 0,
                output_tokens=usage.output_tokens or 0,
                cache_read_tokens=usage.cache_read_input_tokens or 0,
                cache_write_tokens=usage.cache_creation_input_tokens or 0,
            )
        except TimeoutError as error:
            raise AnswerFailed("timeout", UNREACHABLE) from error
        except self._sdk.APIStatusError as error:
            raise self._status_failure(error) from error
        except self._sdk.APIConnectionError as error:
            log.warning("Claude could not be reached: %s", type(error).__name__)
            raise AnswerFailed("connection", UNREACHABLE) from error
        except Exception as error:
            log.exception("Claude's answer stream failed")
            raise AnswerFailed("error", BROKEN) from error
        finally:
            if stream is not None:
                await _quietly_close(stream)

    def _status_failure(self, error: Any) -> AnswerFailed:
        kind = getattr(error, "type", None) or ""
        status = error.status_code
        log.warning(
            "Claude answered with an error: status %s, type %s, request %s",
            status,
            kind or "-",
            getattr(error, "request_id", None) or "-",
        )
        if status in (401, 403) or kind in ("authentication_error", "permission_error"):
            log.error("the Anthropic API refused the key; check ANTHROPIC_API_KEY")
            return AnswerFailed("refused", REFUSED)
        if status == 429 or status >= 500 or kind in ("overloaded_error", "rate_limit_error"):
            return AnswerFailed("busy", BUSY)
        if status in (400, 413, 422):
            return AnswerFailed("rejected", REJECTED)
        return AnswerFailed("error", BROKEN)

    async def aclose(self) -> None:
        await self._client.close()


async def _quietly_close(stream: Any) -> None:
    try:
        await stream.close()
    except Exception:
        log.debug("closing the answer stream failed", exc_info=True)
